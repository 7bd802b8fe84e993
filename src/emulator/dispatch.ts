/**
 * Dispatch: from a matched route and a parsed call to a rendered reply.
 *
 * @packageDocumentation
 */
import { authorizeEndpoint, programmaticAuthorize } from './authorize-endpoint.js';
import { errorEnvironment, isReply } from './context.js';
import type { Call, EmulatorContext, Outcome, Reply, Router } from './context.js';
import { deviceCodeEndpoint } from './device-flow.js';
import { deviceLoginEndpoint } from './device-login.js';
import { isMultiTenantAlias } from './directory.js';
import { aadErrors, faultError } from './error-catalog.js';
import { aadErrorReply } from './errors.js';
import { instanceDiscovery, jwksDocument, openidConfiguration } from './metadata.js';
import { pipelinesEndpoint, pipelinesFault, pipelinesSignIn } from './pipelines.js';
import { matchRoute } from './routes.js';
import type { RouteName } from './routes.js';
import { tokenEndpoint } from './token-endpoint.js';

export { errorEnvironment } from './context.js';

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
