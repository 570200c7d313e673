/** File requests: a provider asks a patient for files. */
import { eachItem } from '../pages.ts';
import type { Transport } from '../transport.ts';
import type { FileRequest, FileRequestPage, FileRequestPatch, FileRequestQuery, NewFileRequest } from '../types.ts';

const requestPath = (id: string): string => `/v1/file-requests/${encodeURIComponent(id)}`;

export class FileRequests {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  create(body: NewFileRequest): Promise<FileRequest> {
    return this.#transport.json({ method: 'POST', path: '/v1/file-requests', json: body });
  }

  /** Every matching request, page after page (patients see only theirs). */
  list(query: FileRequestQuery = {}): AsyncGenerator<FileRequest, void, undefined> {
    return eachItem((q) => this.listPage(q), query, (page) => page.fileRequests);
  }

  listPage(query: FileRequestQuery = {}): Promise<FileRequestPage> {
    return this.#transport.json({ method: 'GET', path: '/v1/file-requests', query });
  }

  get(id: string): Promise<FileRequest> {
    return this.#transport.json({ method: 'GET', path: requestPath(id) });
  }

  update(id: string, patch: FileRequestPatch): Promise<FileRequest> {
    return this.#transport.json({ method: 'PATCH', path: requestPath(id), json: patch, idempotent: true });
  }
}
