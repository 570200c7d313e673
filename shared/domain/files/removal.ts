/** Permanent delete (`DELETE /v1/files/{id}?permanent=true`, admins): bytes, derived objects and metadata. */
import { ForbiddenError } from '../errors.ts';
import { fileKeyPrefix, type Caller } from '../file.ts';
import { canDeletePermanently } from '../policy.ts';
import type { EventPublisher, FileIndex, FileStore } from '../ports.ts';
import { publishAfterCommit, type ErrorReporter } from '../publishing.ts';
import { visibleFile, type Clock } from './lookup.ts';

export interface FileRemovalDeps extends Clock {
  store: FileStore;
  index: FileIndex;
  events: EventPublisher;
  reportError?: ErrorReporter;
}

export class FileRemoval {
  readonly #d: FileRemovalDeps;
  readonly #now: () => Date;

  constructor(deps: FileRemovalDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  /** Bytes, derived objects and metadata removed (admin). Storage first, so a failure can be retried. */
  async deleteFilePermanently(caller: Caller, id: string): Promise<void> {
    const file = await visibleFile(this.#d.index, caller, id, this.#now());
    if (!canDeletePermanently(caller)) throw new ForbiddenError('Only admins delete files permanently');
    await this.#d.store.deletePrefix(fileKeyPrefix(file.tenantId, file.id));
    await this.#d.index.remove(file.tenantId, file.id);
    await publishAfterCommit(this.#d.events, [{ type: 'file.deleted', tenantId: file.tenantId, data: { fileId: file.id, ownerId: file.ownerId } }], this.#d.reportError);
  }
}
