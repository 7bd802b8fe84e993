/** The command's usage text, and the error that exits with code 2 (bad command line). */

export const USAGE = `Usage:
  reactive-identity serve [options]
      The token sidecar: App Service's managed identity protocol on 127.0.0.1, a live dashboard,
      /metrics, /healthz and /readyz. Uses Azure when the environment configures it (or
      --credential), otherwise the embedded Entra emulator with a demo workload.
        --host <address>            listen address (default 127.0.0.1)
        --port <n>                  port (default 42424; 0 picks a free one)
        --allow-remote              allow a non-loopback --host (requires --tls-cert and --tls-key)
        --tls-cert <file> --tls-key <file>   serve HTTPS with this PEM certificate and key
        --credential <name>         default | managed-identity | environment | workload-identity |
                                    azure-cli | azure-developer-cli | azure-powershell |
                                    device-code | emulator
        --tenant <id>               tenant for the credentials that take one
        --scope <scope>             a stream to hold and report in /readyz (repeatable)
        --allow-resource <resource> serve only these resources, 403 for others (repeatable)
        --max-resources <n>         distinct resources served, 429 for new ones beyond (default 100)
        --sidecar-env <file>        write IDENTITY_ENDPOINT and IDENTITY_HEADER there (mode 0600)
        --identity-header-file <file>  read the secret from this 0600 file (default: random)
        --show-identity-header      print the secret on stdout at start-up
        --otlp-url <url>            also push metrics to this OTLP/HTTP endpoint
        --lifetime <seconds>        emulator token lifetime (default 120)
        --interval <ms>             status table redraw interval on a terminal (default 1000)
  reactive-identity token --scope <scope> [--tenant <id>] [--credential <name>] [--output json|tsv]
      Prints one access token, as 'az account get-access-token' does (progress on stderr).
  reactive-identity emulator [--port <n>] [--lifetime <seconds>] [--app <clientId:secret>]... [--ca-file <path>]
      Runs a local Microsoft Entra ID emulator over HTTPS on 127.0.0.1.

Exit codes: 0 done, 1 failed, 2 bad command line.`;

/** A bad command line: the message is printed with a hint, and the process exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

/** A positive number of `name`, or undefined when absent. */
export function positiveNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`${name} must be a positive number, got "${value}".`);
  return n;
}

/** A TCP port (0 to 65535) of `name`, or undefined when absent. */
export function portNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535)
    throw new UsageError(`${name} must be a port number from 0 to 65535, got "${value}".`);
  return n;
}

/** The message of anything thrown (errors of Node's own realm included). */
export function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}
