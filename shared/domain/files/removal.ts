/** Permanent delete (`DELETE /v1/files/{id}?permanent=true`, admins): bytes, derived objects and metadata. */
import type { Auditor } from '../audit/auditor.ts';
import { ForbiddenError } from '../errors.ts';
import { fileKeyPrefix, type Caller } from '../file.ts';
import { canDeletePermanently } from '../policy.ts';
import type { EventPublisher, FileIndex, FileStore } from '../ports.ts';
import { publishAfterCommit, type ErrorReporter } from '../publishing.ts';
import { auditedFile, type Clock } from './lookup.ts';

export interface FileRemovalDeps extends Clock {
  store: FileStore;
  index: FileIndex;
  events: EventPublisher;
  reportError?: ErrorReporter;
  /** A permanent delete cannot be undone, so it is recorded first: unrecorded, nothing is deleted. */
  auditor: Auditor;
}

export class FileRemoval {
  readonly #d: FileRemovalDeps;
  readonly #now: () => Date;

  constructor(deps: FileRemovalDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  /**
   * Bytes, derived objects and metadata removed (admin). Recorded first (it cannot be undone), then storage, so
   * a failure can be retried. The audit trail keeps the file's history.
   */
  async deleteFilePermanently(caller: Caller, id: string): Promise<void> {
    const { auditor } = this.#d;
    const file = await auditedFile(this.#d.index, auditor, caller, id, ['delete'], this.#now());
    if (!canDeletePermanently(caller)) await auditor.deny(caller, file.id, ['delete'], new ForbiddenError('Only admins delete files permanently'));
    await auditor.record(caller, [{ fileId: file.id, action: 'delete' }]);
    await this.#d.store.deletePrefix(fileKeyPrefix(file.tenantId, file.id));
    await this.#d.index.remove(file.tenantId, file.id);
    await publishAfterCommit(this.#d.events, [{ type: 'file.deleted', tenantId: file.tenantId, data: { fileId: file.id, ownerId: file.ownerId } }], this.#d.reportError);
  }
}
