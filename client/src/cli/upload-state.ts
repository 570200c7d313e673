/**
 * Pending direct uploads remembered on disk, so that the same `medfiles upload` run again after a crash, a
 * `kill -9` or a lost network continues the same upload (same `fileId`) instead of sending everything again.
 *
 * One JSON record per (API, account, absolute path), in a file named by a SHA-256 of the three: the API's base
 * URL, and the account the token is for (its subject and tenant, read without verifying; the whole token when it
 * is not a readable JWT). So another MEDFILES_URL or another user never resumes this one's upload, a refreshed
 * token of the same user does, and no file name or token appears in the state directory's listing. A record itself
 * holds the file's path and the upload's options (a description too, until the upload is done), so the directory and
 * its files are private to the user (0700/0600). The record says which version of the file (size, mtime) the upload
 * is for: a file changed since is a new upload.
 *
 * Records are written before the first byte is sent, atomically (temp file + rename), so a kill at any moment
 * leaves either the old record or the new one, never half of one; a temp file a kill left behind is removed
 * after a day. The directory is private to the user (0700, files 0600): records hold paths and upload metadata.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { UploadOptions } from '../index.ts';

/** Which local file version an upload is for. */
export interface LocalFileVersion {
  /** Absolute path. */
  path: string;
  size: number;
  mtimeMs: number;
}

/** The upload metadata the command was given; a rerun with other metadata is a different upload. */
export type UploadMetadata = Pick<UploadOptions, 'ownerId' | 'category' | 'recordType' | 'description' | 'expiryInterval' | 'fileRequestId'>;

export interface PendingUpload extends LocalFileVersion {
  fileId: string;
  options: UploadMetadata;
}

/** Where the uploads go and as whom (the CLI's settings). */
export interface Account {
  baseUrl: string;
  token?: string;
}

/** A temp file older than this is a leftover of a killed save, not one being written. */
const LEFTOVER_AGE_MS = 24 * 60 * 60 * 1000;

export class UploadState {
  readonly #dir: string;
  readonly #account: string;

  constructor(stateDir: string, { baseUrl, token }: Account) {
    this.#dir = join(stateDir, 'uploads');
    this.#account = JSON.stringify([baseUrl, accountOf(token)]);
  }

  /** The pending upload recorded for this path, for whichever version of the file; an unreadable record counts as none. */
  async find(path: string): Promise<PendingUpload | undefined> {
    let text: string;
    try {
      text = await readFile(this.#fileFor(path), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const record = parseRecord(text);
    return record?.path === path ? record : undefined;
  }

  async save(upload: PendingUpload): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const target = this.#fileFor(upload.path);
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, JSON.stringify(upload), { mode: 0o600, flush: true });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async remove(path: string): Promise<void> {
    await rm(this.#fileFor(path), { force: true });
  }

  /** Removes temp files older than a day: what a save killed between writing and renaming leaves. */
  async removeLeftovers(now = Date.now()): Promise<void> {
    const names = await readdir(this.#dir).catch(() => []);
    await Promise.all(
      names
        .filter((name) => name.endsWith('.tmp'))
        .map(async (name) => {
          const file = join(this.#dir, name);
          const info = await stat(file).catch(() => undefined);
          if (info && now - info.mtimeMs > LEFTOVER_AGE_MS) await rm(file, { force: true });
        }),
    );
  }

  #fileFor(path: string): string {
    const key = createHash('sha256').update(`${this.#account}\0${path}`).digest('hex');
    return join(this.#dir, `${key}.json`);
  }
}

/**
 * Who a token is for, to tell accounts apart (the server verifies tokens; this only reads one): the JWT's subject
 * and tenant (`tenant`, or Cognito's `custom:tenant`, the documented MEDFILES_CLAIM_TENANT values), so a refreshed
 * token of the same user keeps the same uploads; else the whole token.
 */
export function accountOf(token: string | undefined): string {
  if (token === undefined) return JSON.stringify(['anonymous']);
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof claims.sub === 'string') return JSON.stringify(['subject', claims.sub, claims.tenant ?? claims['custom:tenant'] ?? null]);
  } catch {
    // Not a JWT: the token itself names the account.
  }
  return JSON.stringify(['token', token]);
}

function parseRecord(text: string): PendingUpload | undefined {
  try {
    const value = JSON.parse(text) as Partial<PendingUpload>;
    const valid =
      typeof value.fileId === 'string' &&
      typeof value.path === 'string' &&
      typeof value.size === 'number' &&
      typeof value.mtimeMs === 'number' &&
      typeof value.options === 'object' &&
      value.options !== null;
    return valid ? (value as PendingUpload) : undefined;
  } catch {
    return undefined;
  }
}
