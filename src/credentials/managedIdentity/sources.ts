import { existsSync } from 'node:fs';
import { CredentialUnavailableError, InvalidArgumentError } from '../../errors.js';
import type { Environment } from '../base/authorityHost.js';
import { HOST_RETRY, IMDS_RETRY, type RetrySchedule } from './retryPolicy.js';

/** A user-assigned identity, by one of its three ids; absent for the system-assigned one. */
export type ManagedIdentityId =
  { clientId: string } | { resourceId: string } | { objectId: string };

/** The hosts that serve managed identity, in the order the anchor looks for them. */
export type SourceName =
  'ServiceFabric' | 'AppService' | 'MachineLearning' | 'CloudShell' | 'AzureArc' | 'Imds';

/** The request a source wants for one resource. */
export interface SourceRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  pinnedThumbprint?: string;
}

/** One managed identity source: where it is, how to ask it, how to retry it. */
export interface MiSource {
  name: SourceName;
  /** Where it listens, for messages and the engine key. */
  endpoint: string;
  retry: RetrySchedule;
  /**
   * Whether a quick probe may first check that the source is there: IMDS at its own host, not at
   * pod identity's host, which the anchor assumes is there.
   */
  probe: boolean;
  request(resource: string, id: ManagedIdentityId | undefined): SourceRequest;
}

export const IMDS_DEFAULT_HOST = 'http://169.254.169.254';
/**
 * Where IMDS listens instead of {@link IMDS_DEFAULT_HOST} (an IMDS emulator or proxy on a virtual
 * machine): unlike `AZURE_POD_IDENTITY_AUTHORITY_HOST`, it is probed as IMDS is.
 */
export const IMDS_HOST_VARIABLE = 'REACTIVE_IDENTITY_IMDS_HOST';
export const IMDS_TOKEN_PATH = '/metadata/identity/oauth2/token';
export const ARC_DEFAULT_ENDPOINT = 'http://127.0.0.1:40342/metadata/identity/oauth2/token';
const ARC_AGENT_BINARIES = [
  '/opt/azcmagent/bin/himds',
  'C:\\Program Files\\AzureConnectedMachineAgent\\himds.exe',
];

/**
 * Detects the source from the environment, in the anchor's order; IMDS when nothing else is set.
 * An empty variable counts as unset, as in the anchor.
 */
export function detectSource(env: Environment): MiSource {
  const {
    IDENTITY_ENDPOINT,
    IDENTITY_HEADER,
    IDENTITY_SERVER_THUMBPRINT,
    MSI_ENDPOINT,
    MSI_SECRET,
    IMDS_ENDPOINT,
  } = env;
  if (IDENTITY_ENDPOINT && IDENTITY_HEADER && IDENTITY_SERVER_THUMBPRINT) {
    return serviceFabric(IDENTITY_ENDPOINT, IDENTITY_HEADER, IDENTITY_SERVER_THUMBPRINT);
  }
  if (IDENTITY_ENDPOINT && IDENTITY_HEADER) return appService(IDENTITY_ENDPOINT, IDENTITY_HEADER);
  if (MSI_ENDPOINT && MSI_SECRET)
    return machineLearning(MSI_ENDPOINT, MSI_SECRET, env.DEFAULT_IDENTITY_CLIENT_ID);
  if (MSI_ENDPOINT) return cloudShell(MSI_ENDPOINT);
  if ((IDENTITY_ENDPOINT && IMDS_ENDPOINT) || ARC_AGENT_BINARIES.some((p) => existsSync(p))) {
    return azureArc(IDENTITY_ENDPOINT ?? ARC_DEFAULT_ENDPOINT);
  }
  // AKS pod identity: its host serves IMDS's protocol and the anchor never probes it.
  const podIdentity = env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
  if (podIdentity) return imds(podIdentity, false);
  return imds(env[IMDS_HOST_VARIABLE] || IMDS_DEFAULT_HOST, true);
}

function withQuery(base: string, query: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [name, value] of Object.entries(query))
    if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

/** The query parameter a user-assigned id travels in, per source's names. */
function idParam(
  id: ManagedIdentityId | undefined,
  names: { clientId: string; objectId: string; resourceId: string },
) {
  if (id === undefined) return {};
  if ('clientId' in id) return { [names.clientId]: id.clientId };
  if ('objectId' in id) return { [names.objectId]: id.objectId };
  return { [names.resourceId]: id.resourceId };
}

function refuseUserAssigned(
  source: SourceName,
  id: ManagedIdentityId | undefined,
  why: string,
): void {
  if (id !== undefined) {
    throw new InvalidArgumentError(
      `ManagedIdentityCredential: ${source} does not support user-assigned identities selected here: ${why}`,
    );
  }
}

export function imds(host: string, probe = true): MiSource {
  const endpoint = `${host.replace(/\/+$/, '')}${IMDS_TOKEN_PATH}`;
  return {
    name: 'Imds',
    endpoint,
    retry: IMDS_RETRY,
    probe,
    request: (resource, id) => ({
      method: 'GET',
      url: withQuery(endpoint, {
        'api-version': '2018-02-01',
        resource,
        ...idParam(id, { clientId: 'client_id', objectId: 'object_id', resourceId: 'msi_res_id' }),
      }),
      headers: { Metadata: 'true' },
    }),
  };
}

export function appService(endpoint: string, secret: string): MiSource {
  return {
    name: 'AppService',
    endpoint,
    retry: HOST_RETRY,
    probe: false,
    request: (resource, id) => ({
      method: 'GET',
      url: withQuery(endpoint, {
        'api-version': '2019-08-01',
        resource,
        ...idParam(id, { clientId: 'client_id', objectId: 'object_id', resourceId: 'mi_res_id' }),
      }),
      headers: { 'X-IDENTITY-HEADER': secret },
    }),
  };
}

export function serviceFabric(endpoint: string, secret: string, thumbprint: string): MiSource {
  return {
    name: 'ServiceFabric',
    endpoint,
    retry: HOST_RETRY,
    probe: false,
    request: (resource, id) => {
      refuseUserAssigned(
        'ServiceFabric',
        id,
        'the identity is chosen in the cluster configuration.',
      );
      return {
        method: 'GET',
        url: withQuery(endpoint, { 'api-version': '2019-07-01-preview', resource }),
        headers: { secret },
        pinnedThumbprint: thumbprint,
      };
    },
  };
}

export function machineLearning(
  endpoint: string,
  secret: string,
  defaultClientId?: string,
): MiSource {
  return {
    name: 'MachineLearning',
    endpoint,
    retry: HOST_RETRY,
    probe: false,
    request: (resource, id) => {
      if (id !== undefined && !('clientId' in id))
        refuseUserAssigned('MachineLearning', id, 'only clientId is supported.');
      const clientId = id !== undefined && 'clientId' in id ? id.clientId : defaultClientId;
      return {
        method: 'GET',
        url: withQuery(endpoint, { 'api-version': '2017-09-01', resource, clientid: clientId }),
        headers: { Metadata: 'true', secret },
      };
    },
  };
}

export function cloudShell(endpoint: string): MiSource {
  return {
    name: 'CloudShell',
    endpoint,
    retry: HOST_RETRY,
    probe: false,
    request: (resource, id) => {
      refuseUserAssigned('CloudShell', id, 'Cloud Shell offers the signed-in user only.');
      return {
        method: 'POST',
        url: endpoint,
        headers: { Metadata: 'true', 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ resource }).toString(),
      };
    },
  };
}

export function azureArc(endpoint: string): MiSource {
  return {
    name: 'AzureArc',
    endpoint,
    retry: HOST_RETRY,
    probe: false,
    request: (resource, id) => {
      refuseUserAssigned('AzureArc', id, 'Azure Arc servers have a system-assigned identity only.');
      return {
        method: 'GET',
        url: withQuery(endpoint, { 'api-version': '2020-06-01', resource }),
        headers: { Metadata: 'true' },
      };
    },
  };
}

/**
 * The resource a scope names: `https://vault.azure.net/.default` → `https://vault.azure.net`.
 * A managed identity token is for one resource: several scopes make the credential unavailable
 * (as in the anchor, so that a chain moves on), not a caller's mistake.
 */
export function scopeToResource(scopes: readonly string[]): string {
  if (scopes.length !== 1) {
    throw new CredentialUnavailableError(
      `ManagedIdentityCredential: Multiple scopes are not supported. Scopes: ${JSON.stringify(scopes)}`,
    );
  }
  return scopes[0]!.replace(/\/\.default$/, '');
}

/** Thrown when the host has no managed identity endpoint. */
export function notThere(source: MiSource, why: string): CredentialUnavailableError {
  return new CredentialUnavailableError(
    `ManagedIdentityCredential: no managed identity endpoint answered at ${source.endpoint} (${source.name}): ${why}.`,
  );
}
