/**
 * Changing a file's metadata (`PATCH /v1/files/{id}`): rename, re-categorise, share. Optimistic: a write only
 * lands on the version it read, and a lost race is re-read and retried a few times.
 */
import type { Auditor } from '../audit/auditor.ts';
import type { AuditAction } from '../audit/records.ts';
import { ConflictError, ForbiddenError, PreconditionFailedError } from '../errors.ts';
import { contentKey, etagOf, extensionOf, type Caller, type FileRecord, reverted } from '../file.ts';
import { canModify } from '../policy.ts';
import { retryOnConflict } from '../optimistic-writes.ts';
import type { DomainEvent, EventPublisher, FileIndex, FileStore } from '../ports.ts';
import { afterCommit, publishAfterCommit, type ErrorReporter } from '../publishing.ts';
import type { PatchFileBody } from '../schemas.ts';
import { fileEventData } from './file-events.ts';
import { auditedFile, type Clock } from './lookup.ts';
import { dispositionFor, servedContentType } from './stored-object.ts';

export interface FileChangesDeps extends Clock {
  store: FileStore;
  index: FileIndex;
  events: EventPublisher;
  /** Where failures that must not fail the request are reported (ids and types only). Default: nowhere. */
  reportError?: ErrorReporter;
  /** A change stands only once it is recorded (`update`, `share` or both); a denied attempt is recorded too. */
  auditor: Auditor;
}

/** Copies a stored name follows before it gives up on renames still landing. */
const MAX_NAME_SYNCS = 3;

export class FileChanges {
  readonly #d: FileChangesDeps;
  readonly #now: () => Date;

  constructor(deps: FileChangesDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  async updateFile(caller: Caller, id: string, patch: PatchFileBody, ifMatch?: string): Promise<FileRecord> {
    const actions = auditActions(patch);
    const { auditor } = this.#d;
    const { current, next, renamed } = await retryOnConflict(
      () => auditedFile(this.#d.index, auditor, caller, id, actions, this.#now()),
      async (current) => {
        if (!canModify(caller, current)) await auditor.deny(caller, current.id, actions, new ForbiddenError('You may not change this file'));
        if (ifMatch !== undefined && !etagMatches(ifMatch, current)) throw new PreconditionFailedError();
        const next: FileRecord = {
          ...current,
          description: patch.description !== undefined ? patch.description : current.description,
          originalName: patch.originalName ?? current.originalName,
          extension: patch.originalName !== undefined ? extensionOf(patch.originalName) : current.extension,
          category: patch.category ?? current.category,
          recordType: patch.recordType !== undefined ? patch.recordType : current.recordType,
          entity: patch.entity !== undefined ? patch.entity : current.entity,
          sharedWith: patch.sharedWith ?? current.sharedWith,
          version: current.version + 1,
          updatedAt: this.#now().toISOString(),
        };
        const renamed = next.originalName !== current.originalName;
        // The stored object's Content-Disposition (served by storage redirects) gets the new name first, by a
        // server-side copy onto itself: if that fails nothing has changed and a retry starts over. If the
        // metadata write then fails, the object is given back the name the metadata holds.
        if (renamed) await this.#storeName(next, next.originalName);
        try {
          await this.#d.index.replace(next, current.version);
        } catch (error) {
          if (renamed) await this.#syncStoredName(next).catch(() => undefined);
          throw error;
        }
        return { current, next, renamed };
      },
      // A conditional request (If-Match) gets one round: once another change lands, its precondition fails.
      ifMatch !== undefined
        ? { attempts: 1, onExhausted: () => new PreconditionFailedError() }
        : { onExhausted: () => new ConflictError('The file is being changed by another request; try again') },
    );
    // Unrecorded, the change is taken back: the metadata as it was, as a new version (an ETag is never reused for
    // other content; a later change makes the undo fail, which is reported), and the stored name.
    await auditor.recordOrUndo(
      caller,
      actions.map((action) => ({ fileId: next.id, action })),
      async () => {
        await this.#d.index.replace(reverted(current, next), next.version);
        if (renamed) await this.#storeName(current, current.originalName);
      },
    );
    // A concurrent rename may have copied its name after ours: converge on what the metadata says.
    if (renamed) await this.#syncStoredName(next);
    if (renamed || patch.sharedWith !== undefined) {
      // The record is the truth (listing re-checks `sharedWith`): markers that cannot be written are reported.
      const syncShares = () => this.#d.index.syncShares(next, current.sharedWith);
      await afterCommit(syncShares, 'share markers not written', { fileId: next.id }, this.#d.reportError);
    }
    await this.#publish([{ type: 'file.updated', tenantId: next.tenantId, data: fileEventData(next) }]);
    return next;
  }

  async #storeName(file: FileRecord, name: string): Promise<void> {
    const key = contentKey(file.tenantId, file.id);
    await this.#d.store.copy(key, key, {
      contentType: servedContentType(file.mimeType),
      contentDisposition: dispositionFor(name, 'attachment'),
    });
  }

  /** Makes the stored name follow the metadata's, redoing the copy while concurrent renames land. */
  async #syncStoredName(file: FileRecord): Promise<void> {
    let copied = file.originalName;
    for (let i = 0; i < MAX_NAME_SYNCS; i++) {
      const latest = await this.#d.index.get(file.tenantId, file.id);
      if (!latest || latest.originalName === copied) return;
      copied = latest.originalName;
      await this.#storeName(latest, copied);
    }
  }

  #publish(events: DomainEvent[]): Promise<void> {
    return publishAfterCommit(this.#d.events, events, this.#d.reportError);
  }

}

/** What a PATCH is in the audit trail: `share` when it sets `sharedWith`, `update` when it sets anything else. */
function auditActions(patch: PatchFileBody): AuditAction[] {
  const { sharedWith, ...rest } = patch;
  const updates = Object.values(rest).some((value) => value !== undefined);
  if (sharedWith === undefined) return ['update'];
  return updates ? ['update', 'share'] : ['share'];
}

function etagMatches(ifMatch: string, file: FileRecord): boolean {
  const current = etagOf(file);
  return ifMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === current);
}
