/** Archive (soft delete, `DELETE /v1/files/{id}`) and restore (`POST /v1/files/{id}/restore`). */
import type { Auditor } from '../audit/auditor.ts';
import { ConflictError, ForbiddenError } from '../errors.ts';
import { type Caller, type FileRecord, reverted } from '../file.ts';
import { canArchive, canRestore } from '../policy.ts';
import { retryOnConflict } from '../optimistic-writes.ts';
import type { DomainEvent, EventPublisher, FileIndex } from '../ports.ts';
import { publishAfterCommit, type ErrorReporter } from '../publishing.ts';
import { fileEventData } from './file-events.ts';
import { auditedFile, type Clock } from './lookup.ts';

export interface FileStatesDeps extends Clock {
  index: FileIndex;
  events: EventPublisher;
  reportError?: ErrorReporter;
  /** Each archive and restore is recorded before it is answered (and undone if it cannot be); denials too. */
  auditor: Auditor;
}

export class FileStates {
  readonly #d: FileStatesDeps;
  readonly #now: () => Date;

  constructor(deps: FileStatesDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  /** Soft delete. Archiving an archived file is a no-op. */
  async archiveFile(caller: Caller, id: string): Promise<void> {
    await this.#setState(caller, id, 'archived');
  }

  async restoreFile(caller: Caller, id: string): Promise<FileRecord> {
    return this.#setState(caller, id, 'active');
  }

  async #setState(caller: Caller, id: string, state: 'active' | 'archived'): Promise<FileRecord> {
    const action = state === 'archived' ? 'archive' : 'restore';
    const { auditor } = this.#d;
    const { current, next, written } = await retryOnConflict(
      () => auditedFile(this.#d.index, auditor, caller, id, [action], this.#now()),
      async (current) => {
        if (state === 'archived' && !canArchive(caller, { ...current, state: 'active' })) {
          await auditor.deny(caller, current.id, [action], new ForbiddenError('You may not archive this file'));
        }
        if (state === 'active' && !canRestore(caller)) {
          await auditor.deny(caller, current.id, [action], new ForbiddenError('Your role may not restore files'));
        }
        if (current.state === state) return { current, next: current, written: false };
        const next: FileRecord = { ...current, state, version: current.version + 1, updatedAt: this.#now().toISOString() };
        await this.#d.index.replace(next, current.version);
        return { current, next, written: true };
      },
      { onExhausted: () => new ConflictError('The file is being changed by another request; try again') },
    );
    await auditor.recordOrUndo(caller, [{ fileId: next.id, action }], async () => {
      if (written) await this.#d.index.replace(reverted(current, next), next.version);
    });
    if (written) {
      const type = state === 'archived' ? 'file.archived' : 'file.restored';
      await this.#publish([{ type, tenantId: next.tenantId, data: fileEventData(next) }]);
    }
    return next;
  }

  #publish(events: DomainEvent[]): Promise<void> {
    return publishAfterCommit(this.#d.events, events, this.#d.reportError);
  }
}
