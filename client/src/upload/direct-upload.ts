/**
 * Uploads straight to storage (`POST /v1/uploads`, PUTs to presigned URLs, `complete`), or resumes one: the
 * server says which parts storage already holds (GET /v1/uploads/{fileId}), only the others get fresh URLs and
 * are sent. Parts go `concurrency` at a time; the first part that fails for good stops the others, and the
 * upload stays pending on the server so it can be resumed.
 */
import type { Files } from '../resources/files.ts';
import type { Uploads } from '../resources/uploads.ts';
import type { MedFile, NewUpload, UploadPart, UploadTarget } from '../types.ts';
import type { UploadOptions } from './options.ts';
import { planParts, type PlannedPart } from './part-plan.ts';
import { PartUrls } from './part-urls.ts';
import { putPart } from './storage-put.ts';

export interface DirectUploadApi {
  uploads: Uploads;
  files: Files;
  fetch: typeof fetch;
}

const DEFAULT_CONCURRENCY = 4;
const DEFAULT_PART_RETRIES = 4;

interface Started {
  fileId: string;
  partSize?: number;
  /** Parts storage holds, with their ETags. */
  held: Map<number, string>;
  /** URLs from the reservation; none when resuming (they are renewed for the missing parts only, in batches). */
  target?: UploadTarget;
}

export async function uploadDirect(api: DirectUploadApi, blob: Blob, reservation: NewUpload, options: UploadOptions): Promise<MedFile> {
  // One signal for every request of this upload: the caller's, or the first part that fails for good.
  const controller = new AbortController();
  const stop = () => controller.abort(options.signal!.reason);
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    options.signal?.throwIfAborted();
    const started =
      options.fileId === undefined
        ? await reserve(api, reservation, options, controller.signal)
        : await resumed(api, blob, options.fileId, controller.signal);
    // Finished before (the process stopped between `complete` and saving the answer): the File it became.
    if (started === 'completed') return await api.files.get(options.fileId!);
    return await send(api, blob, started, options, controller);
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
}

async function reserve(api: DirectUploadApi, reservation: NewUpload, options: UploadOptions, signal: AbortSignal): Promise<Started> {
  const target = await api.uploads.create(reservation, { signal });
  const partSize = 'partSize' in target ? target.partSize : undefined;
  await options.onUploadStarted?.({ fileId: target.fileId, size: reservation.size, ...(partSize !== undefined ? { partSize } : {}) });
  return { fileId: target.fileId, ...(partSize !== undefined ? { partSize } : {}), held: new Map(), target };
}

async function resumed(api: DirectUploadApi, blob: Blob, fileId: string, signal: AbortSignal): Promise<Started | 'completed'> {
  const status = await api.uploads.status(fileId, { signal });
  if (status.status === 'completed') return 'completed';
  if (status.size !== blob.size) {
    throw new RangeError(`Upload ${fileId} is for ${status.size} bytes, this source has ${blob.size}: it is another file`);
  }
  const plan = planParts(status.size, status.partSize);
  // A part of another size than the plan says is sent again (storage replaces it).
  const held = new Map<number, string>();
  for (const part of status.parts) {
    const planned = plan[part.partNumber - 1];
    if (planned && sizeOf(planned) === part.size) held.set(part.partNumber, part.etag);
  }
  return { fileId, ...(status.partSize !== undefined ? { partSize: status.partSize } : {}), held };
}

async function send(api: DirectUploadApi, blob: Blob, started: Started, options: UploadOptions, controller: AbortController): Promise<MedFile> {
  const { fileId, partSize, held } = started;
  const { signal } = controller;
  const multipart = partSize !== undefined;
  const plan = planParts(blob.size, partSize);
  const unsent = () => plan.filter((part) => !held.has(part.partNumber));
  const missing = unsent();

  const urls = new PartUrls({
    renew: (partNumbers) => api.uploads.renew(fileId, multipart ? partNumbers : undefined, { signal }),
    unsent: () => unsent().map((part) => part.partNumber),
    ...(started.target ? { initial: started.target } : {}),
  });

  let loaded = plan.filter((part) => held.has(part.partNumber)).reduce((sum, part) => sum + sizeOf(part), 0);
  options.onProgress?.({ loaded, total: blob.size });

  const sender = { fetch: api.fetch, blob, retries: options.retries ?? DEFAULT_PART_RETRIES, signal, urls };
  await inParallel(missing, options.concurrency ?? DEFAULT_CONCURRENCY, controller, async (part) => {
    held.set(part.partNumber, await putPart(sender, part));
    loaded += sizeOf(part);
    options.onProgress?.({ loaded, total: blob.size });
  });

  const parts: UploadPart[] | undefined = multipart
    ? plan.map((part) => ({ partNumber: part.partNumber, etag: held.get(part.partNumber)! }))
    : undefined;
  return api.uploads.complete(fileId, parts, { signal });
}

/**
 * Runs `work` on every item, `concurrency` at a time. The first failure aborts `controller` (stopping the
 * requests in flight) and is thrown once every worker has stopped, so nothing is still sending afterwards.
 */
async function inParallel<T>(items: readonly T[], concurrency: number, controller: AbortController, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
        controller.abort(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failure) throw failure.error;
}

const sizeOf = (part: PlannedPart): number => part.end - part.start;
