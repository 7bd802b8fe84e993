/**
 * The managed identity token endpoints: routing, the shared request checks, Arc's challenge, and
 * the token response.
 *
 * @packageDocumentation
 */
import type { Call, Reply, Router } from '../http/call.js';
import { classifyResource } from '../tokens/resourceScope.js';
import { EMULATOR_TENANT_ID } from '../types.js';
import type { MiContext } from './miContext.js';
import { miErrors, miFaultReply, renderMiError } from './miErrors.js';
import type { MiError } from './miErrors.js';
import type { IdentitySelector } from './miIdentities.js';
import { DEFAULT_EXPIRES_ON_STYLES, mintIdentityToken, tokenResponseBody } from './miResponses.js';
import { SELECTOR_PARAMS, SOURCE_SPECS } from './miSources.js';
import type { SourceSpec } from './miSources.js';
import type { ManagedIdentitySource } from './miTypes.js';

/** Which listener a router serves: the plain-HTTP one, or Service Fabric's HTTPS one. */
export type MiListener = 'http' | 'serviceFabric';

/** The paths of each source's endpoint on its listener. */
export const MI_PATHS: Readonly<Record<ManagedIdentitySource, string>> = {
  imds: '/metadata/identity/oauth2/token',
  appService: '/msi/token',
  cloudShell: '/cloudshell/oauth2/token',
  machineLearning: '/MSI/auth',
  arc: '/arc/metadata/identity/oauth2/token',
  serviceFabric: '/metadata/identity/oauth2/token',
};

/** The router of a managed identity listener; route names are the source names. */
export function managedIdentityRouter(mi: MiContext, listener: MiListener): Router {
  const sourceOf = (route: string): ManagedIdentitySource | undefined =>
    route === 'notfound' ? undefined : (route as ManagedIdentitySource);
  return {
    match: (path) => ({ route: matchSource(listener, path) ?? 'notfound', tenant: '' }),
    answer: async (route, call) => {
      const source = sourceOf(route);
      if (!source)
        return renderMiError(undefined, miErrors.notFound(call.path), call.correlationId);
      const outcome = await tokenRequest(mi, SOURCE_SPECS[source], call);
      return 'body' in outcome ? outcome : renderMiError(source, outcome, call.correlationId);
    },
    faultReply: (route, call, status) => miFaultReply(sourceOf(route), status, call.correlationId),
  };
}

const HTTP_SOURCES: readonly ManagedIdentitySource[] = [
  'imds',
  'appService',
  'cloudShell',
  'machineLearning',
  'arc',
];

function matchSource(listener: MiListener, path: string): ManagedIdentitySource | undefined {
  const lowered = path.toLowerCase();
  const sources: readonly ManagedIdentitySource[] =
    listener === 'serviceFabric' ? ['serviceFabric'] : HTTP_SOURCES;
  return sources.find((source) => MI_PATHS[source].toLowerCase() === lowered);
}

async function tokenRequest(mi: MiContext, spec: SourceSpec, call: Call): Promise<Reply | MiError> {
  if (call.method !== spec.method) return miErrors.method(call.method, spec.method);
  const params = spec.formBody ? call.form : call.query;
  const checked = spec.guard(mi, call) ?? checkVersion(spec, params);
  if (checked) return checked;
  const resource = params['resource'];
  if (!resource) return miErrors.resourceMissing();
  const audience = audienceOf(resource);
  if (!classifyResource(audience)) return miErrors.resourceUnknown(resource, EMULATOR_TENANT_ID);
  const selector = readSelector(spec, params);
  if ('status' in selector) return selector;
  if (spec.source === 'arc') {
    const challenged = await arcChallenge(mi, call);
    if (challenged) return challenged;
  }
  const identity = mi.identities.find(selector);
  if (!identity) return miErrors.identityNotFound(spec.source);
  const token = await mintIdentityToken(mi.ctx, identity, audience);
  const style = mi.styles.get(spec.source) ?? DEFAULT_EXPIRES_ON_STYLES[spec.source];
  const body = tokenResponseBody({ source: spec.source, style, token, resource, identity });
  return { status: 200, body };
}

function checkVersion(spec: SourceSpec, params: Record<string, string>): MiError | undefined {
  const rule = spec.apiVersion;
  if (!rule) return undefined;
  const version = params['api-version'];
  if (version !== undefined && rule.accepts(version)) return undefined;
  return miErrors.apiVersion(spec.source, rule.expected, version);
}

/** The token audience: the resource without `/.default` and trailing slashes. */
function audienceOf(resource: string): string {
  return resource.replace(/\/\.default$/, '').replace(/\/+$/, '');
}

function readSelector(
  spec: SourceSpec,
  params: Record<string, string>,
): IdentitySelector | MiError {
  const given = SELECTOR_PARAMS.filter((name) => params[name] !== undefined);
  const accepted = Object.keys(spec.selectors);
  const refused = given.find((name) => !accepted.includes(name));
  if (refused !== undefined) return miErrors.selectorRefused(spec.source, refused, accepted);
  if (given.length > 1) return miErrors.selectorConflict(given);
  const [name] = given;
  const kind = name === undefined ? undefined : spec.selectors[name];
  if (name === undefined || kind === undefined) return { kind: 'system' };
  return { kind, value: params[name] ?? '' };
}

/**
 * Arc's challenge: a request without a live key (`Authorization: Basic <key file content>`) gets
 * 401 and `WWW-Authenticate: Basic realm=<path of a fresh key file>`.
 */
async function arcChallenge(mi: MiContext, call: Call): Promise<Reply | undefined> {
  const arc = mi.arc;
  if (!arc) return renderMiError('arc', miErrors.arcDisabled(), call.correlationId);
  const presented = /^Basic\s+(\S+)$/i.exec(call.headers['authorization'] ?? '')?.[1];
  if (presented !== undefined && (await arc.redeem(presented))) return undefined;
  const realm = await arc.challenge();
  return {
    status: 401,
    body: {
      error: 'unauthorized_client',
      error_description:
        'Authorization required: send the content of the file WWW-Authenticate names as ' +
        'Authorization: Basic <content>.',
    },
    headers: { 'WWW-Authenticate': `Basic realm=${realm}` },
  };
}
