/**
 * Dispatch: from a matched route and a parsed call to a rendered reply.
 *
 * @packageDocumentation
 */
import { authorizeEndpoint, programmaticAuthorize } from '../authorize/authorizeEndpoint.js';
import { deviceCodeEndpoint } from '../deviceCode/deviceFlow.js';
import { deviceLoginEndpoint } from '../deviceCode/deviceLogin.js';
import { aadErrorReply, aadErrors, errorEnvironment, faultError } from '../errors/aadErrors.js';
import {
  pipelinesEndpoint,
  pipelinesFault,
  pipelinesSignIn,
} from '../federation/pipelinesEndpoint.js';
import { tokenEndpoint } from '../grants/tokenEndpoint.js';
import { isMultiTenantAlias } from '../state/directory.js';
import type { EmulatorContext } from '../state/emulatorContext.js';
import { instanceDiscovery, jwksDocument, openidConfiguration } from '../tokens/metadata.js';
import { isReply } from './call.js';
import type { Call, Outcome, Reply, Router } from './call.js';
import { matchRoute } from './routes.js';
import type { RouteName } from './routes.js';

/** The main HTTPS listener's router: the authority and the Azure Pipelines endpoint. */
export function authorityRouter(ctx: EmulatorContext): Router {
  return {
    match: matchRoute,
    answer: (route, call) => dispatch(ctx, route as RouteName, call),
    faultReply: (route, call, status) =>
      route === 'pipelines' || route === 'pipelines-signin'
        ? pipelinesFault(ctx.now(), status)
        : aadErrorReply(faultError(status), errorEnvironment(ctx, call)),
  };
}

/** Answers `call` on `route`; errors come back rendered as Entra renders them. */
export async function dispatch(ctx: EmulatorContext, route: RouteName, call: Call): Promise<Reply> {
  const outcome = await answer(ctx, route, call);
  return isReply(outcome) ? outcome : aadErrorReply(outcome, errorEnvironment(ctx, call));
}

async function answer(ctx: EmulatorContext, route: RouteName, call: Call): Promise<Outcome> {
  if (route === 'notfound') return aadErrors.notFound(call.path);
  if (route === 'pipelines') return pipelinesEndpoint(ctx, call);
  if (route === 'pipelines-signin') return pipelinesSignIn(ctx.now());
  if (route === 'token') return tokenEndpoint(ctx, call);
  if (route === 'authorize') {
    const control = call.path.startsWith('/_emulator/');
    return control ? programmaticAuthorize(ctx, call) : authorizeEndpoint(ctx, call);
  }
  if (route === 'devicecode') return deviceCodeEndpoint(ctx, call);
  if (route === 'devicelogin') return deviceLoginEndpoint(ctx, call);
  if (call.method !== 'GET' && call.method !== 'HEAD')
    return aadErrors.methodNotAllowed(call.method);
  if (route === 'discovery') return instanceDiscovery(ctx, call);
  if (!isMultiTenantAlias(call.tenant) && !ctx.directory.hasTenant(call.tenant)) {
    return aadErrors.tenantNotFound(call.tenant);
  }
  return route === 'openid' ? openidConfiguration(ctx, call) : jwksDocument(ctx);
}
