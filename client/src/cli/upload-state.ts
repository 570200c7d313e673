/**
 * Pending direct uploads remembered on disk, so that the same `medfiles upload` run again after a crash, a
 * `kill -9` or a lost network continues the same upload (same `fileId`) instead of sending everything again.
 *
 * One JSON file per local file version, named by a hash of (absolute path, size, mtime): a file that changed is
 * a new upload, and no file name appears in the state directory's listing. Records are written before the first
 * byte is sent, atomically (temp file + rename), so a kill at any moment leaves either the old record or the
 * new one, never half of one. The directory is private to the user (0700, files 0600): records hold paths and
 * upload metadata.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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

export class UploadState {
  readonly #dir: string;

  constructor(stateDir: string) {
    this.#dir = join(stateDir, 'uploads');
  }

  /** The pending upload recorded for this file version, if any; an unreadable record counts as none. */
  async find(version: LocalFileVersion): Promise<PendingUpload | undefined> {
    let text: string;
    try {
      text = await readFile(this.#fileFor(version), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const record = parseRecord(text);
    const matches = record && record.path === version.path && record.size === version.size && record.mtimeMs === version.mtimeMs;
    return matches ? record : undefined;
  }

  async save(upload: PendingUpload): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const target = this.#fileFor(upload);
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, JSON.stringify(upload), { mode: 0o600, flush: true });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async remove(version: LocalFileVersion): Promise<void> {
    await rm(this.#fileFor(version), { force: true });
  }

  #fileFor(version: LocalFileVersion): string {
    const key = createHash('sha256').update(`${version.path}\0${version.size}\0${version.mtimeMs}`).digest('hex');
    return join(this.#dir, `${key}.json`);
  }
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
