/**
 * Keeps downloaded bytes only when they are the bytes the API recorded: they are written to a temporary file
 * next to the target (same directory, so the final rename is atomic and never crosses file systems) while being
 * hashed, and the temporary file becomes the target only when its SHA-256 is the File's `sha256`. Otherwise, or
 * on any failure, it is deleted and the target is left as it was. Unless told to replace the target, it never
 * does: the temporary file is hard-linked to the target's name, which fails if anything is there (no window
 * between a check and the rename); on file systems without hard links, it is checked and renamed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, lstat, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { CliError } from './errors.ts';

export interface Expected {
  sha256: string;
  size: number;
}

export interface SaveOptions {
  /** Replace a file already at the target; else it is refused (`target_exists`). */
  replace: boolean;
  signal?: AbortSignal;
}

/** Writes `body` to `target` if its SHA-256 and size are `expected`; returns the number of bytes kept. */
export async function saveVerified(body: ReadableStream<Uint8Array>, target: string, expected: Expected, { replace, signal }: SaveOptions): Promise<number> {
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.medfiles-part`);
  const hash = createHash('sha256');
  let size = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(body as WebReadableStream<Uint8Array>), hashing, createWriteStream(temp, { flags: 'wx', mode: 0o600 }), { signal });
    const actual = hash.digest('hex');
    if (actual !== expected.sha256 || size !== expected.size) {
      throw new CliError(
        'sha256_mismatch',
        `the downloaded bytes (${size} bytes, SHA-256 ${actual}) are not the file's (${expected.size} bytes, SHA-256 ${expected.sha256}); nothing was kept`,
      );
    }
    await (replace ? rename(temp, target) : keepNew(temp, target));
    return size;
  } finally {
    await rm(temp, { force: true });
  }
}

/** Gives `temp` the name `target` unless something has it. */
async function keepNew(temp: string, target: string): Promise<void> {
  try {
    await link(temp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw targetExists(target);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
    // No hard links here (FAT, some network file systems).
    if (await pathExists(target)) throw targetExists(target);
    await rename(temp, target);
  }
}

/** The refusal to replace a file the user did not name. */
export function targetExists(target: string): CliError {
  return new CliError('target_exists', `${target} exists; nothing was replaced (name it with -o, or pass --force to replace it)`);
}

/** Anything at the path, a dangling symbolic link too. */
export function pathExists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
