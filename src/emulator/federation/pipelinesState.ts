/**
 * The emulated Azure Pipelines job: its access token, its oidctoken URL, its service connections.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { stableGuid } from '../state/ids.js';
import type { PipelinesOptions, ServiceConnection } from './federationTypes.js';

const ORGANIZATION = 'emulator-org';
const PROJECT_NAME = 'emulator-project';
const DEFAULT_LIFETIME_SECONDS = 600;

/** The job the emulator plays and the service connections it can mint OIDC tokens for. */
export class PipelinesState {
  /** The `System.AccessToken` the oidctoken endpoint accepts. */
  readonly systemAccessToken: string;
  /** Lifetime of the OIDC tokens, seconds. */
  readonly tokenLifetimeSeconds: number;
  /** The oidctoken path of the job: `/{org}/{projectId}/_apis/.../jobs/{jobId}/oidctoken`. */
  readonly oidcPath: string;
  private readonly connections = new Map<string, Required<ServiceConnection>>();

  constructor(options: PipelinesOptions = {}) {
    this.systemAccessToken = options.systemAccessToken ?? randomBytes(48).toString('base64url');
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS;
    const project = stableGuid('pipelines:project');
    const plan = stableGuid('pipelines:plan');
    const job = stableGuid('pipelines:job');
    this.oidcPath =
      `/${ORGANIZATION}/${project}/_apis/distributedtask/hubs/build/plans/${plan}` +
      `/jobs/${job}/oidctoken`;
    options.serviceConnections?.forEach((connection) => this.register(connection));
  }

  /** Registers (or replaces, by id, case-insensitively) a service connection. */
  register(connection: ServiceConnection): Required<ServiceConnection> {
    const registered = {
      id: connection.id,
      subject: connection.subject ?? `sc://${ORGANIZATION}/${PROJECT_NAME}/${connection.id}`,
    };
    this.connections.set(connection.id.toLowerCase(), registered);
    return { ...registered };
  }

  /** The service connection `id` names, case-insensitively. */
  find(id: string): Required<ServiceConnection> | undefined {
    return this.connections.get(id.toLowerCase());
  }
}
