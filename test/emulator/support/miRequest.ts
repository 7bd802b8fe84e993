// Builds each managed identity host's valid token request, with per-test changes.
import type {
  ManagedIdentityEmulator,
  ManagedIdentitySource,
} from '../../../src/emulator/index.js';
import type { HttpResult } from './helpers.js';
import { STORAGE, call } from './miHelpers.js';

/** Changes to a valid request: `undefined` removes a parameter or header. */
export interface RequestChange {
  method?: string;
  params?: Record<string, string | undefined>;
  headers?: Record<string, string | undefined>;
}

interface BaseRequest {
  url: string;
  method: string;
  params: Record<string, string>;
  headers: Record<string, string>;
  /** Whether the parameters go in a form body rather than the query. */
  form: boolean;
}

function baseRequest(mi: ManagedIdentityEmulator, source: ManagedIdentitySource): BaseRequest {
  const metadata = { Metadata: 'true' };
  const get = (url: string, version: string, headers: Record<string, string>): BaseRequest => ({
    url,
    method: 'GET',
    params: { 'api-version': version, resource: STORAGE },
    headers,
    form: false,
  });
  switch (source) {
    case 'imds':
      return get(mi.imdsEndpoint, '2018-02-01', metadata);
    case 'appService':
      return get(mi.appServiceEndpoint, '2019-08-01', { 'X-IDENTITY-HEADER': mi.appServiceSecret });
    case 'serviceFabric':
      return get(mi.serviceFabricEndpoint, '2019-07-01-preview', {
        secret: mi.serviceFabricSecret,
      });
    case 'machineLearning': {
      const request = get(mi.machineLearningEndpoint, '2017-09-01', {
        ...metadata,
        secret: mi.machineLearningSecret,
      });
      return { ...request, params: { ...request.params, clientid: mi.systemAssigned.clientId } };
    }
    case 'cloudShell':
      return {
        url: mi.cloudShellEndpoint,
        method: 'POST',
        params: { resource: STORAGE },
        headers: { ...metadata, 'Content-Type': 'application/x-www-form-urlencoded' },
        form: true,
      };
    case 'arc':
      return get(mi.arcEndpoint, '2020-06-01', metadata);
  }
}

function apply(
  base: Record<string, string>,
  change: Record<string, string | undefined> = {},
): Record<string, string> {
  const result = { ...base };
  for (const [name, value] of Object.entries(change)) {
    if (value === undefined) delete result[name];
    else result[name] = value;
  }
  return result;
}

/** Sends `source`'s valid token request, changed by `change`. */
export function miRequest(
  mi: ManagedIdentityEmulator,
  source: ManagedIdentitySource,
  change: RequestChange = {},
): Promise<HttpResult> {
  const base = baseRequest(mi, source);
  const method = change.method ?? base.method;
  const params = new URLSearchParams(apply(base.params, change.params)).toString();
  const inBody = base.form && method === 'POST';
  const url = inBody || params === '' ? base.url : `${base.url}?${params}`;
  return call(url, {
    method,
    headers: apply(base.headers, change.headers),
    body: inBody ? params : undefined,
    ca: mi.serviceFabricCertificate,
    thumbprint: mi.serviceFabricThumbprint,
  });
}
