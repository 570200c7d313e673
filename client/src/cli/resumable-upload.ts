/**
 * One local file uploaded so that the same command, run again after an interruption, continues where storage
 * stopped: the pending upload is recorded (UploadState) as soon as the server has reserved it, before any byte is
 * sent; a rerun finds the record and resumes that `fileId`, sending only the parts storage does not hold. The
 * record is removed once the File exists. A record whose upload the server no longer knows (expired, aborted:
 * 404) is dropped and the upload starts over, as is one started with other metadata or for a version of the file
 * that has since changed (that pending upload is aborted).
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MedFilesError, type MedFile, type MedFilesClient, type UploadOptions } from '../index.ts';
import { CliError } from './errors.ts';
import { formatBytes } from './progress-bar.ts';
import { UploadState, type LocalFileVersion, type UploadMetadata } from './upload-state.ts';

export interface ResumableUploadOptions {
  client: MedFilesClient;
  state: UploadState;
  metadata: UploadMetadata;
  onProgress?: UploadOptions['onProgress'];
  /** Notes for the user (resuming, starting over). */
  note: (line: string) => void;
  signal: AbortSignal;
}

export async function uploadResumably(path: string, options: ResumableUploadOptions): Promise<MedFile> {
  const { client, state, metadata } = options;
  const version = await localVersion(path);
  const recorded = await recordedUpload(version, options);
  if (recorded && 'file' in recorded) return recorded.file;
  const file = await client.upload(version.path, {
    ...metadata,
    ...(recorded && { fileId: recorded.fileId }),
    onUploadStarted: ({ fileId }) => state.save({ ...version, fileId, options: metadata }),
    onProgress: options.onProgress,
    signal: options.signal,
  });
  await state.remove(version.path);
  return file;
}

async function localVersion(path: string): Promise<LocalFileVersion> {
  const absolute = resolve(path);
  const info = await stat(absolute);
  if (!info.isFile()) throw new CliError('not_a_file', `${path} is not a regular file`);
  return { path: absolute, size: info.size, mtimeMs: info.mtimeMs };
}

/**
 * What the record of this file says: a pending upload to continue, or one that completed before the last run
 * could note it (its File). Nothing when there is no record, the file changed since (its pending upload is aborted,
 * as far as the server answers: it would otherwise wait for bytes that will never come until it expires), the
 * server no longer knows the upload, or it was started with other metadata (a pending one is then aborted: its
 * bytes would be stored under the old).
 */
async function recordedUpload(version: LocalFileVersion, { client, state, metadata, note }: ResumableUploadOptions): Promise<{ fileId: string } | { file: MedFile } | undefined> {
  const recorded = await state.find(version.path);
  if (recorded === undefined) return undefined;
  const { fileId } = recorded;
  if (recorded.size !== version.size || recorded.mtimeMs !== version.mtimeMs) {
    note(`the file changed since upload ${fileId} was started; starting over`);
    await client.uploads.abort(fileId).catch(() => undefined);
    await state.remove(version.path);
    return undefined;
  }
  const held = await client.uploads.status(fileId).catch(unlessNotFound);
  const sameOptions = JSON.stringify(recorded.options) === JSON.stringify(metadata);
  if (held === undefined || !sameOptions) {
    if (held === undefined) note(`upload ${fileId} is no longer pending on the server; starting over`);
    else note(`upload ${fileId} of this file was started with other options; starting over`);
    if (held?.status === 'pending') await client.uploads.abort(fileId).catch(unlessNotFound);
    await state.remove(version.path);
    return undefined;
  }
  if (held.status === 'completed') {
    const file = withoutLink(await client.files.get(fileId));
    await state.remove(version.path);
    return { file };
  }
  const stored = held.parts.reduce((sum, part) => sum + part.size, 0);
  note(`resuming upload ${fileId}: ${formatBytes(stored)} of ${formatBytes(version.size)} already stored`);
  return { fileId };
}

function unlessNotFound(error: unknown): undefined {
  if (error instanceof MedFilesError && error.status === 404) return undefined;
  throw error;
}

/** The File as an upload returns it: without the signed link `GET /v1/files/{id}` adds. */
function withoutLink(file: MedFile & { downloadUrl?: string; downloadUrlExpiresAt?: string }): MedFile {
  const { downloadUrl: _link, downloadUrlExpiresAt: _expires, ...rest } = file;
  return rest;
}
