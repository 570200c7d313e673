/** The raw direct-upload routes (`/v1/uploads`); `MedFilesClient.upload()` drives them for you. */
import type { Transport } from '../transport.ts';
import type { MedFile, NewUpload, UploadPart, UploadStatus, UploadTarget } from '../types.ts';

const uploadPath = (fileId: string): string => `/v1/uploads/${encodeURIComponent(fileId)}`;

export class Uploads {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Reserves an upload: one presigned PUT, or (above 100 MiB) one URL per part. */
  create(body: NewUpload, options: { signal?: AbortSignal } = {}): Promise<UploadTarget> {
    return this.#transport.json({ method: 'POST', path: '/v1/uploads', json: body, signal: options.signal });
  }

  /** What storage already holds for a pending upload; `completed` once it is a File. */
  status(fileId: string, options: { signal?: AbortSignal } = {}): Promise<UploadStatus> {
    return this.#transport.json({ method: 'GET', path: uploadPath(fileId), signal: options.signal });
  }

  /** Fresh URLs: for `partNumbers`, or for every part storage does not hold yet. */
  renew(fileId: string, partNumbers?: number[], options: { signal?: AbortSignal } = {}): Promise<UploadTarget> {
    return this.#transport.json({
      method: 'POST',
      path: `${uploadPath(fileId)}/renew`,
      json: partNumbers ? { partNumbers } : {},
      idempotent: true,
      signal: options.signal,
    });
  }

  /** Verifies the stored bytes and makes the File; `parts` (every part with its ETag) for multipart uploads. */
  complete(fileId: string, parts?: UploadPart[], options: { signal?: AbortSignal } = {}): Promise<MedFile> {
    return this.#transport.json({
      method: 'POST',
      path: `${uploadPath(fileId)}/complete`,
      json: parts ? { parts } : {},
      // Completing again answers the same File.
      idempotent: true,
      signal: options.signal,
    });
  }

  /**
   * Gives the upload up: parts and pending object removed, the id is 404 from then on. Aborting an id that is
   * gone is 404, unless the 404 answers a retry after the first answer was lost: the first abort did it.
   */
  abort(fileId: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.#transport.empty({ method: 'DELETE', path: uploadPath(fileId), goneOnRetryIsDone: true, signal: options.signal });
  }
}
