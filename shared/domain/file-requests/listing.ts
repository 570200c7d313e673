/** Listing file requests (`GET /v1/file-requests`): newest first, by owner and status, in sealed cursor pages. */
import { cursorFingerprint, openCursor, sealCursor } from '../cursors.ts';
import type { Caller } from '../file.ts';
import type { Sealer } from '../sealing.ts';
import type { FileRequestListPlan, FileRequestStore } from './ports.ts';
import type { FileRequestRecord } from './record.ts';
import { FILE_REQUEST_STATUSES, type ListFileRequestsRequest as ListFileRequestsQuery } from './schemas.ts';

export interface FileRequestListingDeps {
  store: FileRequestStore;
  sealer: Sealer;
}

export class FileRequestListing {
  readonly #d: FileRequestListingDeps;

  constructor(deps: FileRequestListingDeps) {
    this.#d = deps;
  }

  async listFileRequests(
    caller: Caller,
    query: ListFileRequestsQuery,
  ): Promise<{ fileRequests: FileRequestRecord[]; nextCursor: string | null }> {
    const fingerprint = listFingerprint(caller, query);
    const after = openCursor(this.#d.sealer, query.cursor, fingerprint);
    const page = await this.#d.store.list({ ...fileRequestListPlan(caller, query), after });
    return { fileRequests: page.fileRequests, nextCursor: sealCursor(this.#d.sealer, page.nextAfter, fingerprint) };
  }
}

/** A cursor only continues the query that made it (same caller and filters), and never a files cursor. */
function listFingerprint(caller: Caller, q: ListFileRequestsQuery): string {
  return cursorFingerprint(['file-requests', caller.tenantId, caller.sub, caller.role, q.ownerId ?? null, q.status ?? null]);
}

/**
 * The partitions to read: one per status asked for, of one owner when there is one. A patient reads only its
 * own; asking for another owner's gives an empty list (as for files), not an error that would say more.
 */
export function fileRequestListPlan(caller: Caller, q: ListFileRequestsQuery): Omit<FileRequestListPlan, 'after'> {
  const statuses = q.status !== undefined ? [q.status] : [...FILE_REQUEST_STATUSES];
  let ownerId = q.ownerId;
  if (caller.role === 'patient') {
    if (ownerId !== undefined && ownerId !== caller.sub) return { tenantId: caller.tenantId, sources: [], limit: q.limit };
    ownerId = caller.sub;
  }
  return {
    tenantId: caller.tenantId,
    sources: statuses.map((status) => (ownerId !== undefined ? { status, ownerId } : { status })),
    limit: q.limit,
  };
}
