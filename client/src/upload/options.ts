/** Options of `MedFilesClient.upload()`. */
import type { NewUpload } from '../types.ts';

export interface UploadOptions {
  /** The file name to store; default: the File's name or the path's base name (required for a Blob or bytes). */
  name?: string;
  /** The declared type; default: the Blob's type, else one from the name's extension. The server checks the bytes. */
  mimeType?: string;
  /** Owner (patient) of the file; providers upload for patients. */
  ownerId?: string;
  category?: NewUpload['category'];
  recordType?: NewUpload['recordType'];
  description?: string;
  /** Seconds until the file expires. */
  expiryInterval?: number;
  fileRequestId?: string;
  entity?: { type: string; id: string };
  /**
   * Resume this pending upload instead of starting one: asks GET /v1/uploads/{fileId}, renews expired URLs,
   * sends only the parts storage does not hold.
   */
  fileId?: string;
  /** Called once the server has reserved the upload (direct uploads), before any byte is sent: persist it to resume. */
  onUploadStarted?: (info: { fileId: string; size: number; partSize?: number }) => void | Promise<void>;
  /** Bytes storage holds so far; the last call has `loaded === total`. Multipart uploads report part by part. */
  onProgress?: (progress: { loaded: number; total: number }) => void;
  /** Parts sent at once, 1 to 32; default 4. */
  concurrency?: number;
  /** Retries per part (network errors, 429, 5xx, storage timeouts), with exponential backoff; default 4. */
  retries?: number;
  /** Stops sending; a direct upload stays pending on the server, so `fileId` can resume it. */
  signal?: AbortSignal;
  /** Bytes up to which `POST /v1/files` (inline) is used; default 4 MiB (the server's default inline limit). */
  inlineMaxBytes?: number;
}

/** More parts at once than this only competes for the same connection. */
export const MAX_CONCURRENCY = 32;

/**
 * Refuses numeric options that would silently do the wrong thing, before anything is sent: a `concurrency` of
 * NaN or 0 would start no part at all (and complete an upload without its parts).
 */
export function checkUploadOptions({ concurrency, retries, inlineMaxBytes }: UploadOptions): void {
  const whole = (value: number, min: number, max = Number.MAX_SAFE_INTEGER) => Number.isSafeInteger(value) && value >= min && value <= max;
  if (concurrency !== undefined && !whole(concurrency, 1, MAX_CONCURRENCY)) {
    throw new TypeError(`upload() options.concurrency must be a whole number from 1 to ${MAX_CONCURRENCY} (got ${concurrency})`);
  }
  if (retries !== undefined && !whole(retries, 0)) throw new TypeError(`upload() options.retries must be a whole number from 0 up (got ${retries})`);
  if (inlineMaxBytes !== undefined && !whole(inlineMaxBytes, 0)) {
    throw new TypeError(`upload() options.inlineMaxBytes must be a whole number of bytes from 0 up (got ${inlineMaxBytes})`);
  }
}

/** The metadata fields both upload routes take, as the API names them. */
export function uploadMetadata(options: UploadOptions): Omit<NewUpload, 'name' | 'mimeType' | 'size'> {
  const { ownerId, category, recordType, description, expiryInterval, fileRequestId, entity } = options;
  return { ownerId, category, recordType, description, expiryInterval, fileRequestId, entity };
}
