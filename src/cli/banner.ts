/** What `serve` prints once it listens: where everything is, and how to point a process at it. */

/** What the banner shows. */
export interface BannerInput {
  description: string;
  /** The server's base URL. */
  url: string;
  /** `IDENTITY_ENDPOINT`. */
  endpoint: string;
  scopes: readonly string[];
  sidecarEnvFile?: string;
  /** Printed only with `--show-identity-header`. */
  secret?: string;
}

/** The start-up text. The secret appears only when `input.secret` is given. */
export function startupBanner(input: BannerInput): string {
  const { url, endpoint } = input;
  const ready =
    input.scopes.length === 0
      ? '(no --scope declared: always ready)'
      : `(${input.scopes.length} declared scope${input.scopes.length === 1 ? '' : 's'})`;
  const lines = [
    `reactive-identity serve: token sidecar on ${input.description}`,
    `  Dashboard        ${url}/`,
    `  Token endpoint   ${endpoint}   (App Service managed identity protocol)`,
    `  Health           ${url}/healthz   ${url}/readyz ${ready}`,
    `  Metrics          ${url}/metrics`,
    '  Point a process at it:',
  ];
  if (input.sidecarEnvFile !== undefined) {
    lines.push(
      `    env $(cat ${input.sidecarEnvFile}) your-app`,
      `    (${input.sidecarEnvFile} holds IDENTITY_ENDPOINT and IDENTITY_HEADER, mode 0600)`,
    );
  } else {
    lines.push(
      `    IDENTITY_ENDPOINT=${endpoint} IDENTITY_HEADER=<the secret> your-app`,
      '    (pass --sidecar-env <file> to have both written to a 0600 file)',
    );
  }
  if (input.secret !== undefined) lines.push(`  IDENTITY_HEADER=${input.secret}`);
  lines.push('Ctrl-C stops.', '');
  return lines.join('\n');
}
