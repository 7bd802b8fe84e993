import { parseServeArgs, DEFAULT_SERVE_PORT } from '../../src/cli/serveArgs.js';
import { isAzureConfigured } from '../../src/cli/credentialChoice.js';
import { credentialName } from '../../src/cli/credentialNames.js';

const usageError = (args: string[]) => {
  try {
    parseServeArgs(args);
  } catch (error) {
    return error as Error & { exitCode?: number };
  }
  throw new Error(`accepted ${args.join(' ')}`);
};

describe('parseServeArgs', () => {
  it('defaults to 127.0.0.1 on the documented port, every list empty', () => {
    expect(parseServeArgs([])).toEqual({
      host: '127.0.0.1',
      port: DEFAULT_SERVE_PORT,
      allowRemote: false,
      tls: undefined,
      credential: undefined,
      tenantId: undefined,
      scopes: [],
      allowResources: [],
      maxResources: undefined,
      sidecarEnvFile: undefined,
      identityHeaderFile: undefined,
      showIdentityHeader: false,
      otlpUrl: undefined,
      tokenLifetimeSeconds: undefined,
      intervalMs: undefined,
    });
  });

  it('reads repeated --scope and --allow-resource, and the rest', () => {
    const config = parseServeArgs([
      '--port=0',
      '--scope',
      'https://vault.azure.net/.default',
      '--scope',
      'https://storage.azure.com/.default',
      '--allow-resource',
      'https://vault.azure.net',
      '--credential',
      'Managed-Identity',
      '--otlp-url',
      'http://127.0.0.1:4318/v1/metrics',
      '--host',
      'localhost',
      '--max-resources',
      '12',
    ]);
    expect(config).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      scopes: ['https://vault.azure.net/.default', 'https://storage.azure.com/.default'],
      allowResources: ['https://vault.azure.net'],
      credential: 'managed-identity',
      otlpUrl: 'http://127.0.0.1:4318/v1/metrics',
      maxResources: 12,
    });
  });

  it('accepts a non-loopback host only with --allow-remote and TLS', () => {
    expect(
      parseServeArgs(['--host', '0.0.0.0', '--allow-remote', '--tls-cert', 'c', '--tls-key', 'k']),
    ).toMatchObject({ host: '0.0.0.0', allowRemote: true, tls: { certFile: 'c', keyFile: 'k' } });
  });

  it.each([
    [['--host', '0.0.0.0'], /not a loopback address.*--allow-remote/],
    [['--host', '10.0.0.4'], /not a loopback address/],
    [['--host', '::'], /not a loopback address/],
    [['--host', '0.0.0.0', '--allow-remote'], /requires HTTPS \(--tls-cert/],
    [['--tls-cert', 'c'], /go together/],
    [['--port', '70000'], /--port must be a port number/],
    [['--port=-1'], /--port must be a port number/],
    [['--credential', 'magic'], /--credential must be one of default, managed-identity/],
    [['--scope', 'https://x/.default y'], /--scope must be a URI/],
    [['--otlp-url', 'ftp://x'], /--otlp-url must be an http\(s\) URL/],
    [['--lifetime', '0'], /--lifetime must be a positive number/],
    [['--max-resources', '0'], /--max-resources must be a positive number/],
    [['--max-resources', '2.5'], /--max-resources must be a whole number/],
    [['--env-file', 'x'], /Unknown option '--env-file'/],
    [['extra'], /positional/],
  ])('refuses %j with a usage error (exit code 2)', (args, message) => {
    const error = usageError(args);
    expect(error).toMatchObject({ name: 'UsageError', exitCode: 2 });
    expect(error.message).toMatch(message);
  });
});

describe('credentialName', () => {
  it('takes the documented names, any case', () => {
    expect(credentialName('AZURE-CLI')).toBe('azure-cli');
    expect(credentialName(undefined)).toBeUndefined();
  });
});

describe('isAzureConfigured', () => {
  it.each([
    [{}, false],
    [{ AZURE_CLIENT_ID: 'c' }, false],
    [{ AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's' }, true],
    [{ AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_FEDERATED_TOKEN_FILE: '/f' }, true],
    [{ IDENTITY_ENDPOINT: 'http://127.0.0.1:1/msi/token' }, true],
    [{ MSI_ENDPOINT: 'http://127.0.0.1:1/' }, true],
    [{ AZURE_TOKEN_CREDENTIALS: 'dev' }, true],
  ])('%j: %s', (env, configured) => expect(isAzureConfigured(env)).toBe(configured));
});
