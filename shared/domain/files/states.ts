/** Archive (soft delete, `DELETE /v1/files/{id}`) and restore (`POST /v1/files/{id}/restore`). */
import { ConflictError, ForbiddenError } from '../errors.ts';
import type { Caller, FileRecord } from '../file.ts';
import { canArchive, canRestore } from '../policy.ts';
import { retryOnConflict } from '../optimistic-writes.ts';
import type { DomainEvent, EventPublisher, FileIndex } from '../ports.ts';
import { publishAfterCommit, type ErrorReporter } from '../publishing.ts';
import { fileEventData } from './file-events.ts';
import { visibleFile, type Clock } from './lookup.ts';

export interface FileStatesDeps extends Clock {
  index: FileIndex;
  events: EventPublisher;
  reportError?: ErrorReporter;
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
    const { next, written } = await retryOnConflict(
      () => this.#visible(caller, id),
      async (current) => {
        if (state === 'archived' && !canArchive(caller, { ...current, state: 'active' })) {
          throw new ForbiddenError('You may not archive this file');
        }
        if (state === 'active' && !canRestore(caller)) throw new ForbiddenError('Your role may not restore files');
        if (current.state === state) return { next: current, written: false };
        const next: FileRecord = { ...current, state, version: current.version + 1, updatedAt: this.#now().toISOString() };
        await this.#d.index.replace(next, current.version);
        return { next, written: true };
      },
      { onExhausted: () => new ConflictError('The file is being changed by another request; try again') },
    );
    if (written) {
      const type = state === 'archived' ? 'file.archived' : 'file.restored';
      await this.#publish([{ type, tenantId: next.tenantId, data: fileEventData(next) }]);
    }
    return next;
  }

  #publish(events: DomainEvent[]): Promise<void> {
    return publishAfterCommit(this.#d.events, events, this.#d.reportError);
  }

  #visible(caller: Caller, id: string): Promise<FileRecord> {
    return visibleFile(this.#d.index, caller, id, this.#now());
  }
}
