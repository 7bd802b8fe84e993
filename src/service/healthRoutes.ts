/**
 * Health endpoints for orchestrators: `/healthz` answers 200 while the process serves, `/readyz`
 * 200 when every declared stream holds a valid token and 503 with the reasons otherwise (JSON).
 */
import type { ReadinessReport, ServiceRoute } from './serviceContract.js';
import { sendJson } from './sidecarErrors.js';

export const HEALTH_PATH = '/healthz';
export const READY_PATH = '/readyz';

/** The routes of `/healthz` and `/readyz`. */
export function healthRoutes(readiness: () => ReadinessReport): ServiceRoute {
  return (request, response, url) => {
    const path = url.pathname;
    if (path !== HEALTH_PATH && path !== READY_PATH) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, { status: 405, message: 'Use GET.' }, { Allow: 'GET, HEAD' });
      return true;
    }
    if (path === HEALTH_PATH) {
      sendJson(response, 200, { status: 'serving' });
      return true;
    }
    const report = readiness();
    sendJson(response, report.ready ? 200 : 503, report);
    return true;
  };
}
