import { homedir } from 'node:os';
import path from 'node:path';
import { AbortError, AuthenticationError, CredentialUnavailableError } from '../../errors.js';
import { ReactiveCredential } from '../../streams/reactiveCredential.js';
import type { AcquireRequest } from '../../streams/tokenManager.js';
import { createLogger, logLevelFromEnv } from '../../telemetry/logger.js';
import type { Environment } from '../base/authorityHost.js';
import type { MultiTenantCredentialOptions } from '../base/credentialOptions.js';
import { tenantPolicyPart } from '../base/identity.js';
import { resolveTenant, type TenantPolicy } from '../base/tenantId.js';
import { AccountWatch } from './accountWatch.js';
import { checkCliTenant, checkTimeout } from './cliArguments.js';
import { sanitizeCliOutput } from './cliOutput.js';
import { findExecutable } from './findExecutable.js';
import { runCli } from './runCli.js';

/** How long a developer CLI may run before it is stopped, as Python's default `process_timeout`. */
export const DEFAULT_CLI_PROCESS_TIMEOUT_MS = 10_000;

/** Options of the developer CLI credentials. */
export interface DeveloperCliCredentialOptions extends MultiTenantCredentialOptions {
  /**
   * The tenant to ask the tool for. Default: none, and the tool uses the tenant it is signed in
   * to; a request's `tenantId` is then passed through. With a tenant set, a request may name
   * another tenant only if `additionallyAllowedTenants` lists it (or `*`).
   */
  tenantId?: string;
  /** How long the tool may run before it is stopped and the credential is unavailable. Default 10 000. */
  processTimeoutInMs?: number;
}

/** What a credential tells the shared base about its tool. */
export interface CliTool {
  /** The name people know it by, for messages: `Azure CLI`. */
  displayName: string;
  /** Names looked up on the `PATH` of the `env` option, first found wins. */
  executables: readonly string[];
  /** The message of `CredentialUnavailableError` when the tool is missing. */
  notInstalledMessage: string;
  /** What a shell or the tool prints when the tool is not there. */
  notInstalledPattern: RegExp;
  /** The files where the tool keeps who is signed in (absolute paths, from the environment). */
  accountFiles(env: Environment): string[];
}

/** A run that exited with code 0. */
export interface CliSuccess {
  stdout: string;
  stderr: string;
}

/** The user's home folder as the tools see it: `HOME` (`USERPROFILE` on Windows) of `env`. */
export function homeOf(env: Environment): string {
  return env.HOME ?? env.USERPROFILE ?? homedir();
}

export const CLAIMS_NOT_SUPPORTED =
  "This credential doesn't support claims challenges. To authenticate with the required claims, please run the following command:";

/**
 * The shared base of the developer CLI credentials: options, the tenant rule, the tool's place on
 * `PATH`, one run of the tool without a shell, and the mapping of its failures to typed errors.
 * Subclasses build the arguments, parse the output and say which failures mean "unavailable".
 */
export abstract class DeveloperCliCredential extends ReactiveCredential {
  protected readonly kind: string;
  protected readonly tool: CliTool;
  protected readonly env: Environment;
  protected readonly tenantId: string | undefined;
  protected readonly processTimeoutInMs: number;
  /** The tool's absolute path, looked up once at construction. */
  protected readonly executable: string | undefined;
  private readonly tenants: TenantPolicy;
  private readonly account: AccountWatch;

  protected constructor(
    kind: string,
    tool: CliTool,
    options: DeveloperCliCredentialOptions,
    identityParts: readonly string[] = [],
  ) {
    super(options);
    this.kind = kind;
    this.tool = tool;
    this.env = options.env ?? process.env;
    this.tenantId = checkCliTenant(options.tenantId === '' ? undefined : options.tenantId);
    this.processTimeoutInMs = checkTimeout(
      options.processTimeoutInMs ?? DEFAULT_CLI_PROCESS_TIMEOUT_MS,
    );
    // Without a configured tenant, any well-formed request tenant goes through (as the anchor).
    this.tenants = {
      tenantId: this.tenantId ?? '',
      additionallyAllowedTenants:
        this.tenantId === undefined ? ['*'] : (options.additionallyAllowedTenants ?? []),
      env: this.env,
    };
    this.logger = createLogger(kind, {
      level: options.loggingOptions?.logLevel ?? logLevelFromEnv(this.env),
      sink: options.loggingOptions?.sink,
    });
    this.executable = findExecutable(tool.executables, this.env);
    // A cached token must not outlive the login it came from: the identity carries a fingerprint
    // of the tool's account files, and a new login binds a new identity (new streams, new keys).
    const identity = (account: string) => ({
      kind,
      id: [
        kind,
        this.tenantId ?? '',
        // The first instance of an identity acquires for all: equal tenant rules only.
        tenantPolicyPart(this.tenants),
        ...identityParts,
        this.executable ?? 'not-found',
        account,
      ].join('|'),
      label: `${kind}(${this.tenantId ?? 'signed-in tenant'})`,
    });
    this.account = new AccountWatch(tool.accountFiles(this.env), (account) =>
      this.rebind(identity(account)),
    );
    this.bind(identity(this.account.fingerprint));
  }

  /** Stops watching the tool's account files, then releases this instance. */
  override async close(): Promise<void> {
    this.account.close();
    await super.close();
  }

  protected override resolveRequestTenant(tenantId: string | undefined): string | undefined {
    return resolveTenant(this.tenants, tenantId) || undefined;
  }

  /** A failed run's output that means "cannot try" (not signed in...): the message, else undefined. */
  protected abstract unavailableReason(output: string, request: AcquireRequest): string | undefined;

  /** The part of a failed run's output worth showing, secrets removed. */
  protected describeFailure(stdout: string, stderr: string): string {
    return sanitizeCliOutput(stderr.trim() !== '' ? stderr : stdout);
  }

  /** Runs the tool once; resolves on exit code 0, else throws the typed error for the failure. */
  protected async run(
    args: readonly string[],
    extraEnv: Record<string, string | undefined>,
    request: AcquireRequest,
  ): Promise<CliSuccess> {
    const file = this.executable;
    if (file === undefined) throw new CredentialUnavailableError(this.tool.notInstalledMessage);
    const shown = args.map((arg) => (arg.includes('\n') ? '<script>' : arg)).join(' ');
    this.logger?.verbose(`Running ${path.basename(file)} ${shown}`);
    const outcome = await runCli({
      file,
      args,
      env: { ...this.env, ...extraEnv },
      timeoutMs: this.processTimeoutInMs,
      signal: request.abortSignal,
    });
    // Signed in by now (or about to say it is not): watch the account files from here on.
    this.account.refresh();
    switch (outcome.kind) {
      case 'not-found':
        throw new CredentialUnavailableError(this.tool.notInstalledMessage);
      case 'aborted':
        throw new AbortError(
          `${this.kind}: the token request was aborted and ${this.tool.displayName} was stopped.`,
        );
      case 'timed-out':
        throw new CredentialUnavailableError(
          `${this.kind}: ${this.tool.displayName} timed out after ${this.processTimeoutInMs} ms and was stopped. If it is only slow (its first run after an update is), raise processTimeoutInMs.`,
        );
      case 'exited':
        if (outcome.exitCode === 0) return outcome;
        throw this.failure(outcome.exitCode, outcome.stdout, outcome.stderr, request);
    }
  }

  private failure(
    exitCode: number,
    stdout: string,
    stderr: string,
    request: AcquireRequest,
  ): Error {
    const output = `${stderr}\n${stdout}`;
    if (exitCode === 127 || this.tool.notInstalledPattern.test(output)) {
      return new CredentialUnavailableError(this.tool.notInstalledMessage);
    }
    const reason = this.unavailableReason(output, request);
    if (reason !== undefined) return new CredentialUnavailableError(reason);
    const shown = this.describeFailure(stdout, stderr) || '(no output)';
    return new AuthenticationError(400, {
      error: 'cli_error',
      errorDescription: `${this.kind}: ${this.tool.displayName} exited with code ${exitCode}: ${shown}`,
    });
  }
}
