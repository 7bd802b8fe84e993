import { readFile, stat } from 'node:fs/promises';
import { CredentialUnavailableError } from '../../errors.js';

/** A projected token is read again at least this often, even if its file seems unchanged. */
export const FEDERATED_TOKEN_MAX_AGE_MS = 5 * 60_000;

/**
 * A federated token file (Kubernetes' projected service account token): read again whenever its
 * modification time changes, and at least every five minutes, so a rotated token is used at once
 * (stale files are what make users of the anchor hit AADSTS700024).
 */
export class FederatedTokenFile {
  private cached: { content: string; mtimeMs: number; readAt: number } | undefined;

  constructor(
    readonly path: string,
    private readonly now: () => number,
  ) {}

  async read(): Promise<string> {
    const info = await stat(this.path).catch((error: unknown) => {
      throw new CredentialUnavailableError(
        `The federated token file ${this.path} cannot be read.`,
        { cause: error },
      );
    });
    const cached = this.cached;
    if (
      cached !== undefined &&
      cached.mtimeMs === info.mtimeMs &&
      this.now() - cached.readAt < FEDERATED_TOKEN_MAX_AGE_MS
    ) {
      return cached.content;
    }
    const content = (await readFile(this.path, 'utf8')).trim();
    if (content === '')
      throw new CredentialUnavailableError(`The federated token file ${this.path} is empty.`);
    this.cached = { content, mtimeMs: info.mtimeMs, readAt: this.now() };
    return content;
  }
}
