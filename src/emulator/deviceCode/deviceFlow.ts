/**
 * The device authorization grant (RFC 8628): `POST /{tenant}/oauth2/v2.0/devicecode`, the
 * `urn:ietf:params:oauth:grant-type:device_code` grant, and deciding a code by user code.
 *
 * @packageDocumentation
 */
import { aadErrors } from '../errors/aadErrors.js';
import { grantErrors } from '../errors/grantErrors.js';
import { authenticateClient, isAuthenticated } from '../grants/clientAuth.js';
import { issueUserTokens } from '../grants/issueUserTokens.js';
import type { Call, Outcome } from '../http/call.js';
import { isMultiTenantAlias } from '../state/directory.js';
import type { EmulatorContext } from '../state/emulatorContext.js';
import type { DeviceCodeRecord } from '../state/grantRecords.js';
import { parseScopeFor } from '../tokens/delegatedScope.js';
import { identityOf } from '../tokens/userToken.js';

/** `POST /{tenant}/oauth2/v2.0/devicecode` with `client_id` and `scope`. */
export function deviceCodeEndpoint(ctx: EmulatorContext, call: Call): Outcome {
  if (call.method !== 'POST') return aadErrors.postOnly(call.method);
  if (!isMultiTenantAlias(call.tenant) && !ctx.directory.hasTenant(call.tenant)) {
    return aadErrors.tenantNotFound(call.tenant);
  }
  const clientId = call.form['client_id'];
  if (!clientId) return aadErrors.missingParameter('client_id');
  const app = ctx.directory.findApp(call.tenant, clientId);
  if (!app) return aadErrors.appNotFound(clientId, call.tenant);
  const scope = call.form['scope'];
  if (scope === undefined) return aadErrors.missingParameter('scope');
  const parsed = parseScopeFor(ctx, scope, call.tenant);
  if ('error' in parsed) return parsed;
  const record = ctx.grants.deviceCodes.issue({
    clientId: app.clientId,
    tenant: call.tenant,
    scope,
    lifetimeSeconds: ctx.lifetimes.deviceCode,
    intervalSeconds: ctx.lifetimes.deviceCodeInterval,
  });
  const verificationUri = `${ctx.url}/devicelogin`;
  const body = {
    user_code: record.userCode,
    device_code: record.deviceCode,
    verification_uri: verificationUri,
    expires_in: ctx.lifetimes.deviceCode,
    interval: record.interval,
    message:
      `To sign in, use a web browser to open the page ${verificationUri} and enter the code ` +
      `${record.userCode} to authenticate.`,
  };
  return { status: 200, body };
}

/**
 * `grant_type=urn:ietf:params:oauth:grant-type:device_code`: tokens once the user approved;
 * `authorization_pending` before, `slow_down` when polled faster than the interval,
 * `authorization_declined` or `expired_token` after.
 */
export async function deviceCodeGrant(ctx: EmulatorContext, call: Call): Promise<Outcome> {
  const client = await authenticateClient(ctx, call, call.tenant, { allowPublic: true });
  if (!isAuthenticated(client)) return client;
  const deviceCode = call.form['device_code'];
  if (!deviceCode) return aadErrors.missingParameter('device_code');
  const record = ctx.grants.deviceCodes.get(deviceCode);
  if (!record || record.clientId.toLowerCase() !== client.app.clientId.toLowerCase()) {
    return grantErrors.invalidGrant('device_code');
  }
  const now = ctx.now();
  if (now >= record.expiresAt) return grantErrors.deviceCodeExpired();
  if (record.status === 'approved' && record.user) {
    ctx.grants.deviceCodes.remove(record);
    const { user } = record;
    return issueUserTokens(ctx, {
      client,
      user,
      tenantId: user.homeTenantId,
      scope: record.scope,
      call,
    });
  }
  if (record.status === 'denied') return grantErrors.deviceCodeDeclined();
  const tooFast =
    record.interval > 0 &&
    record.lastPollAt !== undefined &&
    now - record.lastPollAt < record.interval * 1000;
  record.lastPollAt = now;
  return tooFast ? grantErrors.slowDown(record.interval) : grantErrors.authorizationPending();
}

/** Why a device code could not be decided, worded for people. */
export class DeviceCodeDecisionError extends Error {
  override readonly name = 'DeviceCodeDecisionError';
}

/** The pending record of `userCode`; throws when it is unknown, expired or decided. */
export function pendingDeviceCode(ctx: EmulatorContext, userCode: string): DeviceCodeRecord {
  const record = ctx.grants.deviceCodes.pending(userCode);
  if (typeof record !== 'string') return record;
  const reasons = { unknown: 'is unknown', expired: 'has expired', decided: 'was already used' };
  throw new DeviceCodeDecisionError(`The device code '${userCode}' ${reasons[record]}.`);
}

/** Approves `userCode` for `username`, who must be a user of the code's tenant. */
export function approveDeviceCode(ctx: EmulatorContext, userCode: string, username: string): void {
  const record = pendingDeviceCode(ctx, userCode);
  const user = ctx.directory.findUser(record.tenant, username);
  if (!user) {
    throw new DeviceCodeDecisionError(`No user '${username}' in tenant '${record.tenant}'.`);
  }
  ctx.grants.deviceCodes.approve(record, identityOf(user));
}

/** Declines `userCode`. */
export function denyDeviceCode(ctx: EmulatorContext, userCode: string): void {
  ctx.grants.deviceCodes.deny(pendingDeviceCode(ctx, userCode));
}
