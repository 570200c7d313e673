/**
 * Listing files (`GET /v1/files`): which index partitions answer a query, and cursors that only continue the
 * query that made them. A page shows each file's metadata, so each is an audited read.
 */
import type { Auditor } from '../audit/auditor.ts';
import { cursorFingerprint, openCursor, sealCursor } from '../cursors.ts';
import { toFileResource, type Caller } from '../file.ts';
import type { FileIndex, ListPlan, ListSource } from '../ports.ts';
import type { FileView as FileResource, ListFilesRequest as ListQuery } from '../schemas.ts';
import type { Sealer } from '../sealing.ts';
import type { Clock } from './lookup.ts';

export interface FileListingDeps extends Clock {
  index: FileIndex;
  sealer: Sealer;
  /** Each listed file's metadata read is recorded (`listed: true`) before the page is answered. */
  auditor: Auditor;
}

export class FileListing {
  readonly #d: FileListingDeps;
  readonly #now: () => Date;

  constructor(deps: FileListingDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  async listFiles(caller: Caller, query: ListQuery): Promise<{ files: FileResource[]; nextCursor: string | null }> {
    const fingerprint = listFingerprint(caller, query);
    const after = openCursor(this.#d.sealer, query.cursor, fingerprint);
    const page = await this.#d.index.list({ ...listPlan(caller, query), after, now: this.#now().toISOString() });
    await this.#d.auditor.record(caller, page.files.map((file) => ({ fileId: file.id, action: 'read' as const, listed: true })));
    return {
      files: page.files.map((f) => toFileResource(f, caller)),
      nextCursor: sealCursor(this.#d.sealer, page.nextAfter, fingerprint),
    };
  }
}

/** A cursor only continues the query that made it (same caller, filters and order). */
function listFingerprint(caller: Caller, q: ListQuery): string {
  const { cursor: _cursor, limit: _limit, ...rest } = q;
  return cursorFingerprint([caller.tenantId, caller.sub, caller.role, Object.entries(rest).sort()]);
}

/** Chooses the index partitions to read: one index Query per partition, the rest are filters. */
export function listPlan(caller: Caller, q: ListQuery): Omit<ListPlan, 'after' | 'now'> {
  const states = q.state === 'all' ? (['active', 'archived'] as const) : ([q.state] as const);
  const entity = q.entityType !== undefined && q.entityId !== undefined ? { type: q.entityType, id: q.entityId } : undefined;
  const filters = {
    states: [...states],
    ownerId: q.ownerId,
    entity,
    category: q.category,
    recordType: q.recordType,
    fileRequestId: q.fileRequestId,
  };
  const base = { tenantId: caller.tenantId, sort: q.sort, order: q.order, limit: q.limit } as const;
  if (caller.role === 'patient') {
    const sources: ListSource[] = [];
    if (q.ownerId === undefined || q.ownerId === caller.sub) {
      sources.push(...states.map((state): ListSource => ({ by: 'owner', value: caller.sub, state })));
    }
    if (q.includeShared) sources.push({ by: 'sharedWith', value: caller.sub });
    return { ...base, sources, filters: { ...filters, visibleTo: caller.sub } };
  }
  const primary = (state: (typeof states)[number]): ListSource => {
    if (q.fileRequestId !== undefined) return { by: 'fileRequest', value: q.fileRequestId, state };
    if (entity) return { by: 'entity', value: entity, state };
    if (q.ownerId !== undefined) return { by: 'owner', value: q.ownerId, state };
    if (q.category !== undefined) return { by: 'category', value: q.category, state };
    if (q.recordType !== undefined) return { by: 'recordType', value: q.recordType, state };
    return { by: 'tenant', state };
  };
  return { ...base, sources: states.map(primary), filters };
}
