import { createLogger, logLevelFromEnv } from '../../telemetry/logger.js';
import type { Environment } from '../base/authorityHost.js';
import { ClientCertificateCredential } from './clientCertificateCredential.js';
import { ClientSecretCredential } from './clientSecretCredential.js';
import { UsernamePasswordCredential } from '../user/usernamePasswordCredential.js';
import type { MultiTenantCredentialOptions } from '../base/credentialOptions.js';
import { WrappingCredential } from '../base/wrappingCredential.js';

/**
 * Options of {@link EnvironmentCredential}, as in `@azure/identity`; there too
 * `additionallyAllowedTenants` comes from `AZURE_ADDITIONALLY_ALLOWED_TENANTS`, not the option.
 */
export type EnvironmentCredentialOptions = MultiTenantCredentialOptions;

/** The variables it reads, in the anchor's precedence. */
export const EnvironmentVariables = {
  tenantId: 'AZURE_TENANT_ID',
  clientId: 'AZURE_CLIENT_ID',
  clientSecret: 'AZURE_CLIENT_SECRET',
  certificatePath: 'AZURE_CLIENT_CERTIFICATE_PATH',
  certificatePassword: 'AZURE_CLIENT_CERTIFICATE_PASSWORD',
  sendCertificateChain: 'AZURE_CLIENT_SEND_CERTIFICATE_CHAIN',
  additionallyAllowedTenants: 'AZURE_ADDITIONALLY_ALLOWED_TENANTS',
  authorityHost: 'AZURE_AUTHORITY_HOST',
  username: 'AZURE_USERNAME',
  password: 'AZURE_PASSWORD',
} as const;

/** What `@azure/identity` logs (warning) when the environment holds a username and password. */
export const ENVIRONMENT_USERNAME_PASSWORD_WARNING =
  "Environment is configured to use username and password authentication. This authentication method is deprecated, as it doesn't support multifactor authentication (MFA). Use a more secure credential. For more details, see https://aka.ms/azsdk/identity/mfa.";

/**
 * Authenticates a service principal configured by environment variables: `AZURE_TENANT_ID` and
 * `AZURE_CLIENT_ID` with `AZURE_CLIENT_SECRET`, or else with `AZURE_CLIENT_CERTIFICATE_PATH`
 * (+ `AZURE_CLIENT_CERTIFICATE_PASSWORD`, `AZURE_CLIENT_SEND_CERTIFICATE_CHAIN`), or else, as
 * `@azure/identity` still does, a user with `AZURE_USERNAME` and `AZURE_PASSWORD` through
 * {@link UsernamePasswordCredential} (deprecated: no MFA; a warning is logged and emitted). Also
 * reads `AZURE_AUTHORITY_HOST` and `AZURE_ADDITIONALLY_ALLOWED_TENANTS` (`;`-separated). When
 * the configuration is incomplete, `getToken` throws `CredentialUnavailableError` naming what is
 * missing, so a chain moves on.
 */
export class EnvironmentCredential extends WrappingCredential {
  private readonly missing: string;

  constructor(options: EnvironmentCredentialOptions = {}) {
    super(options);
    const env = options.env ?? process.env;
    this.logger = createLogger('EnvironmentCredential', {
      level: options.loggingOptions?.logLevel ?? logLevelFromEnv(env),
      sink: options.loggingOptions?.sink,
    });
    const read = (name: string): string | undefined =>
      env[name]?.trim() ? env[name]!.trim() : undefined;
    const tenantId = read(EnvironmentVariables.tenantId);
    const clientId = read(EnvironmentVariables.clientId);
    const secret = read(EnvironmentVariables.clientSecret);
    const certificatePath = read(EnvironmentVariables.certificatePath);
    const username = read(EnvironmentVariables.username);
    // A password is taken as it is: spaces may be part of it.
    const password = read(EnvironmentVariables.password) && env[EnvironmentVariables.password];
    const allowed = read(EnvironmentVariables.additionallyAllowedTenants)
      ?.split(';')
      .map((t) => t.trim())
      .filter(Boolean);
    const innerOptions = {
      ...options,
      env,
      tokenManager: this.tokenManager,
      additionallyAllowedTenants: allowed,
    };
    const base = [
      !tenantId && EnvironmentVariables.tenantId,
      !clientId && EnvironmentVariables.clientId,
    ].filter(Boolean);
    if (tenantId && clientId && secret) {
      this.inner = new ClientSecretCredential(tenantId, clientId, secret, innerOptions);
    } else if (tenantId && clientId && certificatePath) {
      const certificatePassword = read(EnvironmentVariables.certificatePassword);
      this.inner = new ClientCertificateCredential(
        tenantId,
        clientId,
        { certificatePath, certificatePassword },
        innerOptions,
      );
    } else if (tenantId && clientId && username && password) {
      this.logger.warning(ENVIRONMENT_USERNAME_PASSWORD_WARNING);
      this.inner = new UsernamePasswordCredential(
        tenantId,
        clientId,
        username,
        password,
        innerOptions,
      );
    }
    // The deprecated username and password are named only when one of the two is set.
    const half =
      username && !password
        ? ` (or ${EnvironmentVariables.password} with ${EnvironmentVariables.username})`
        : password && !username
          ? ` (or ${EnvironmentVariables.username} with ${EnvironmentVariables.password})`
          : '';
    const proof =
      secret || certificatePath || (username && password)
        ? []
        : [
            `${EnvironmentVariables.clientSecret} or ${EnvironmentVariables.certificatePath}${half}`,
          ];
    this.missing = [...base, ...proof].join(', ');
    this.bind({
      kind: 'EnvironmentCredential',
      id: `EnvironmentCredential|${this.inner?.identityId ?? 'unconfigured'}`,
      label: `EnvironmentCredential(${clientId ?? 'unconfigured'})`,
    });
  }

  protected unavailableMessage(): string {
    return `EnvironmentCredential is unavailable. Missing environment variables: ${this.missing}. See https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot`;
  }
}

/** Reads the environment the way {@link EnvironmentCredential} does; for tests and tools. */
export function isEnvironmentConfigured(env: Environment): boolean {
  return Boolean(
    env.AZURE_TENANT_ID &&
    env.AZURE_CLIENT_ID &&
    (env.AZURE_CLIENT_SECRET ||
      env.AZURE_CLIENT_CERTIFICATE_PATH ||
      (env.AZURE_USERNAME && env.AZURE_PASSWORD)),
  );
}
