/**
 * Managed identity tokens (v1 app tokens of the identity) and each host's response shape.
 *
 * @packageDocumentation
 */
import type { EmulatorContext } from '../state/emulatorContext.js';
import { appTokenClaims } from '../tokens/accessToken.js';
import { EMULATOR_TENANT_ID } from '../types.js';
import type { ExpiresOnStyle, ManagedIdentity, ManagedIdentitySource } from './miTypes.js';

/** A minted token and its times, seconds since the epoch. */
export interface MintedToken {
  accessToken: string;
  issuedAt: number;
  lifetime: number;
}

/** The style each source writes `expires_on` in unless told otherwise. */
export const DEFAULT_EXPIRES_ON_STYLES: Readonly<Record<ManagedIdentitySource, ExpiresOnStyle>> = {
  imds: 'epoch-string',
  arc: 'epoch-string',
  cloudShell: 'epoch-string',
  appService: 'epoch-string',
  machineLearning: 'epoch-string',
  serviceFabric: 'epoch-number',
};

/**
 * Signs a v1 token of `identity` for `audience`: `iss` https://sts.windows.net/<tid>/, `appid`
 * its client id, `oid`/`sub` its object id, `xms_mirid` its resource id, `idtyp: 'app'`.
 */
export async function mintIdentityToken(
  ctx: EmulatorContext,
  identity: ManagedIdentity,
  audience: string,
): Promise<MintedToken> {
  const issuedAt = Math.floor(ctx.now() / 1000);
  const lifetime = ctx.lifetimes.managedIdentity;
  const claims = appTokenClaims({
    url: ctx.url,
    tenantId: EMULATOR_TENANT_ID,
    clientId: identity.clientId,
    resource: { audience, version: '1.0' },
    issuedAt,
    lifetimeSeconds: lifetime,
    cae: false,
    acr: '2',
  });
  const accessToken = await ctx.signer.sign({
    ...claims,
    oid: identity.objectId,
    sub: identity.objectId,
    xms_mirid: identity.resourceId,
  });
  return { accessToken, issuedAt, lifetime };
}

/** What a token response is built from. */
export interface ResponseInput {
  source: ManagedIdentitySource;
  style: ExpiresOnStyle;
  token: MintedToken;
  /** The `resource` parameter, as sent. */
  resource: string;
  identity: ManagedIdentity;
}

/** The response body `source` answers a token request with. */
export function tokenResponseBody(input: ResponseInput): Record<string, unknown> {
  const { accessToken: access_token, issuedAt, lifetime } = input.token;
  const { clientId, objectId, resourceId } = input.identity;
  const { resource } = input;
  const expiresOn = issuedAt + lifetime;
  const common = { access_token, expires_on: expiresOn, resource, token_type: 'Bearer' };
  const imdsLike = {
    ...common,
    client_id: clientId,
    expires_in: String(lifetime),
    ext_expires_in: String(lifetime),
    not_before: String(issuedAt),
  };
  const bodies: Record<ManagedIdentitySource, Record<string, unknown>> = {
    imds: imdsLike,
    arc: { ...imdsLike, object_id: objectId, msi_res_id: resourceId },
    cloudShell: { ...common, expires_in: String(lifetime), not_before: String(issuedAt) },
    appService: { ...common, client_id: clientId },
    machineLearning: { ...common, client_id: clientId },
    serviceFabric: common,
  };
  return applyStyle(bodies[input.source], input.style, expiresOn, lifetime);
}

function applyStyle(
  body: Record<string, unknown>,
  style: ExpiresOnStyle,
  expiresOn: number,
  lifetime: number,
): Record<string, unknown> {
  if (style === 'expires-in-only') {
    const rest: Record<string, unknown> = { ...body, expires_in: body['expires_in'] ?? lifetime };
    delete rest['expires_on'];
    return rest;
  }
  return { ...body, expires_on: formatExpiresOn(style, expiresOn) };
}

function formatExpiresOn(style: ExpiresOnStyle, seconds: number): string | number {
  if (style === 'epoch-number') return seconds;
  if (style === 'epoch-string') return String(seconds);
  const date = new Date(seconds * 1000);
  if (style === 'iso') return date.toISOString();
  return dateString(date);
}

/** `MM/DD/YYYY HH:MM:SS +00:00`, UTC. */
function dateString(date: Date): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  const day = `${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}/${date.getUTCFullYear()}`;
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return `${day} ${time} +00:00`;
}
