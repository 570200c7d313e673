/**
 * The MedFiles API as one object: a group per resource (`files`, `uploads`, `fileRequests`, `webhooks`,
 * `audit`) and `upload()`, which picks the inline or the direct route by size and resumes interrupted uploads.
 */
import { Audit } from './resources/audit.ts';
import { FileRequests } from './resources/file-requests.ts';
import { Files } from './resources/files.ts';
import { Uploads } from './resources/uploads.ts';
import { Webhooks } from './resources/webhooks.ts';
import { Transport, type ClientOptions } from './transport.ts';
import type { Health, MedFile } from './types.ts';
import type { UploadOptions } from './upload/options.ts';
import type { UploadSource } from './upload/source.ts';
import { upload } from './upload/upload.ts';

export class MedFilesClient {
  readonly files: Files;
  /** The raw direct-upload routes; `upload()` uses them for you. */
  readonly uploads: Uploads;
  readonly fileRequests: FileRequests;
  readonly webhooks: Webhooks;
  readonly audit: Audit;
  readonly #transport: Transport;

  constructor(options: ClientOptions) {
    this.#transport = new Transport(options);
    this.files = new Files(this.#transport);
    this.uploads = new Uploads(this.#transport);
    this.fileRequests = new FileRequests(this.#transport);
    this.webhooks = new Webhooks(this.#transport);
    this.audit = new Audit(this.#transport);
  }

  /** `GET /v1/health` (no token needed). */
  health(): Promise<Health> {
    return this.#transport.json({ method: 'GET', path: '/v1/health', anonymous: true });
  }

  /**
   * Stores a File, Blob, bytes or (in Node) a path: inline up to `inlineMaxBytes`, else straight to storage in
   * parallel parts, with progress, retries, cancellation and resumption (`fileId`).
   */
  upload(source: UploadSource, options: UploadOptions = {}): Promise<MedFile> {
    return upload({ transport: this.#transport, uploads: this.uploads, files: this.files }, source, options);
  }
}
