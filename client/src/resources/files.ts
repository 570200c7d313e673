/** Files: `/v1/files` and its sub-routes. */
import { eachItem } from '../pages.ts';
import type { Transport } from '../transport.ts';
import type { AccessLogEntry, AccessLogPage, FilePage, FilePatch, FileQuery, FileWithLink, MedFile, PageQuery, PutFileQuery } from '../types.ts';

export interface ContentOptions {
  /** `WxH` (each 1–4096): a thumbnail, aspect fill, never upscaled. */
  imageSize?: string;
  /** Thumbnail format: `jpeg`, `png` or `webp`. */
  format?: string;
  /** `Content-Disposition: attachment` instead of `inline`. */
  download?: boolean;
  signal?: AbortSignal;
}

export interface PutOptions {
  /** The declared type; default: the Blob's type. The server checks it against the bytes. */
  contentType?: string;
  signal?: AbortSignal;
}

export const filePath = (id: string): string => `/v1/files/${encodeURIComponent(id)}`;

export class Files {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Every matching file, page after page (`limit` is the page size). */
  list(query: FileQuery = {}): AsyncGenerator<MedFile, void, undefined> {
    return eachItem((q) => this.listPage(q), query, (page) => page.files);
  }

  listPage(query: FileQuery = {}): Promise<FilePage> {
    return this.#transport.json({ method: 'GET', path: '/v1/files', query });
  }

  /** The file with a `downloadUrl` that works without a token for a while (absent once archived). */
  get(id: string): Promise<FileWithLink> {
    return this.#transport.json({ method: 'GET', path: filePath(id) });
  }

  /**
   * The bytes as a fetch Response (stream it, or `await response.blob()`). Large content comes from storage
   * through a redirect, which fetch follows (and sends no token to).
   */
  content(id: string, options: ContentOptions = {}): Promise<Response> {
    const { signal, ...query } = options;
    return this.#transport.send({ method: 'GET', path: `${filePath(id)}/content`, query, headers: { accept: '*/*' }, signal });
  }

  /** Changes metadata; with `ifMatch` (an ETag) it fails with 412 if the file changed meanwhile. */
  update(id: string, patch: FilePatch, options: { ifMatch?: string } = {}): Promise<MedFile> {
    return this.#transport.json({
      method: 'PATCH',
      path: filePath(id),
      json: patch,
      headers: options.ifMatch !== undefined ? { 'if-match': options.ifMatch } : {},
      // Sets fields to given values: sending it twice changes nothing more.
      idempotent: true,
    });
  }

  /** Soft delete: metadata stays readable (`state: "archived"`), content is 404. */
  archive(id: string): Promise<void> {
    return this.#transport.empty({ method: 'DELETE', path: filePath(id) });
  }

  restore(id: string): Promise<MedFile> {
    return this.#transport.json({ method: 'POST', path: `${filePath(id)}/restore`, idempotent: true });
  }

  /** Admin only: object, thumbnails and metadata are removed for good. */
  deletePermanently(id: string): Promise<void> {
    return this.#transport.empty({ method: 'DELETE', path: filePath(id), query: { permanent: true } });
  }

  /** Who read, downloaded, changed or shared the file, newest first. */
  accessLog(id: string, query: PageQuery = {}): AsyncGenerator<AccessLogEntry, void, undefined> {
    return eachItem((q) => this.accessLogPage(id, q), query, (page) => page.events);
  }

  accessLogPage(id: string, query: PageQuery = {}): Promise<AccessLogPage> {
    return this.#transport.json({ method: 'GET', path: `${filePath(id)}/access-log`, query });
  }

  /**
   * Stores a raw body under a client-chosen UUID: safe to retry (201 when new, 200 when the id already holds
   * these bytes, 409 when it holds others). Up to the inline limit; larger files go through `upload()`.
   */
  put(id: string, body: Blob | Uint8Array, query: PutFileQuery, options: PutOptions = {}): Promise<MedFile> {
    const contentType = options.contentType ?? (body instanceof Blob ? body.type : '');
    return this.#transport.json({
      method: 'PUT',
      path: `${filePath(id)}/content`,
      query,
      body: body as Blob | Uint8Array<ArrayBuffer>,
      headers: contentType ? { 'content-type': contentType } : {},
      signal: options.signal,
    });
  }
}
