/**
 * Client authentication on the token endpoint: a secret (body or HTTP Basic), a client assertion,
 * or, for public clients on user flows, nothing.
 *
 * @packageDocumentation
 */
import { aadErrors } from '../errors/aadErrors.js';
import type { AadErrorSpec } from '../errors/aadErrors.js';
import { clientErrors } from '../errors/clientErrors.js';
import type { Call } from '../http/call.js';
import { basicCredentials } from '../http/httpMessages.js';
import { secretMatches } from '../state/directory.js';
import type { RegisteredApp } from '../state/directory.js';
import type { EmulatorContext } from '../state/emulatorContext.js';
import { verifyClientAssertion } from './clientAssertion.js';

/** How the client authenticated (`appidacr`/`azpacr`): none, secret, certificate. */
export type ClientAcr = '0' | '1' | '2';

/** An authenticated client. */
export interface AuthenticatedClient {
  app: RegisteredApp;
  acr: ClientAcr;
}

/** How a grant authenticates its client. */
export interface ClientAuthOptions {
  /** Whether a public client may present no credential (the user flows). */
  allowPublic: boolean;
  /** The error for a confidential client that presents none; default AADSTS7000218. */
  missing?: () => AadErrorSpec;
}

/** The client id of a token request: the `client_id` parameter or the HTTP Basic user. */
export function clientIdOf(call: Call): string | undefined {
  return call.form['client_id'] ?? basicCredentials(call.headers['authorization']).clientId;
}

/**
 * Authenticates the client of a token request on the endpoint of `tenant`: a secret or an
 * assertion authenticates a confidential client; a public client (`publicClient`, and neither a
 * secret nor a certificate registered) must send neither.
 */
export async function authenticateClient(
  ctx: EmulatorContext,
  call: Call,
  tenant: string,
  options: ClientAuthOptions,
): Promise<AuthenticatedClient | AadErrorSpec> {
  const clientId = clientIdOf(call);
  if (!clientId) return aadErrors.missingParameter('client_id');
  const app = ctx.directory.findApp(tenant, clientId);
  if (!app) return aadErrors.appNotFound(clientId, tenant);
  const secret =
    call.form['client_secret'] ?? basicCredentials(call.headers['authorization']).clientSecret;
  const hasAssertion =
    call.form['client_assertion'] !== undefined || call.form['client_assertion_type'] !== undefined;
  if (secret === undefined && !hasAssertion) {
    if (options.allowPublic && app.publicClient) return { app, acr: '0' };
    return (options.missing ?? clientErrors.credentialRequired)();
  }
  if (app.publicClient && !hasCredential(app)) {
    return clientErrors.publicClientWithCredential();
  }
  if (hasAssertion) {
    const error = await verifyClientAssertion(ctx, app, tenant, call.form);
    return error ?? { app, acr: '2' };
  }
  return secretMatches(app, secret) ? { app, acr: '1' } : aadErrors.invalidSecret(clientId);
}

/** Whether the app has a secret, a certificate or a federated credential (is confidential). */
function hasCredential(app: RegisteredApp): boolean {
  const federated = app.federatedCredentials ?? [];
  return app.clientSecret !== undefined || app.keys.length > 0 || federated.length > 0;
}

/** Whether `outcome` is an authenticated client rather than an error. */
export function isAuthenticated(
  outcome: AuthenticatedClient | AadErrorSpec,
): outcome is AuthenticatedClient {
  return 'app' in outcome;
}
