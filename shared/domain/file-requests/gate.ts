/**
 * The FileRequestGate uploads go through: uploading with a `fileRequestId` needs an open request of the same
 * tenant, addressed to the files' owner, with room for them.
 */
import { ValidationError } from '../errors.ts';
import type { FileRequestGate } from '../ports.ts';
import type { FileRequestStore } from './ports.ts';
import { MAX_FILES_PER_FILE_REQUEST } from './schemas.ts';

export interface FileRequestGateDeps {
  store: FileRequestStore;
  now?: () => Date;
}

const notOpen = () =>
  new ValidationError([{ path: 'fileRequestId', message: 'no open file request with this id for this owner' }]);

const full = () =>
  new ValidationError([
    { path: 'fileRequestId', message: `the file request already holds the most files it may (${MAX_FILES_PER_FILE_REQUEST})` },
  ]);

export class FileRequestUploads implements FileRequestGate {
  readonly #d: FileRequestGateDeps;
  readonly #now: () => Date;

  constructor(deps: FileRequestGateDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  async assertOpenFor(tenantId: string, requestId: string, ownerId: string): Promise<void> {
    const request = await this.#d.store.get(tenantId, requestId.toLowerCase());
    if (!request || request.status !== 'open' || request.ownerId !== ownerId) throw notOpen();
    if (request.fileCount >= MAX_FILES_PER_FILE_REQUEST) throw full();
  }

  async addFiles(tenantId: string, requestId: string, ownerId: string, fileIds: readonly string[]): Promise<{ fileCount: number }> {
    const id = requestId.toLowerCase();
    const updated = await this.#d.store.appendFiles(tenantId, id, ownerId, fileIds, {
      maxFileCount: MAX_FILES_PER_FILE_REQUEST,
      updatedAt: this.#now().toISOString(),
    });
    if (updated) return { fileCount: updated.fileCount };
    // Say why, if it is only that the request is full; anything else is the one "not open" answer.
    const request = await this.#d.store.get(tenantId, id);
    if (request && request.status === 'open' && request.ownerId === ownerId) throw full();
    throw notOpen();
  }
}
