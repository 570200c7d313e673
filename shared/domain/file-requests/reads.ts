/** Reading file requests: one (`GET /v1/file-requests/{id}`) or a page (`GET /v1/file-requests`). */
import { createHash } from 'node:crypto';
import { ValidationError } from '../errors.ts';
import type { Caller } from '../file.ts';
import type { Sealer } from '../sealing.ts';
import { visibleFileRequest } from './policy.ts';
import type { FileRequestListPlan, FileRequestStore } from './ports.ts';
import type { FileRequestRecord } from './record.ts';
import { FILE_REQUEST_STATUSES, type ListFileRequestsQuery } from './schemas.ts';

export interface FileRequestReadsDeps {
  store: FileRequestStore;
  sealer: Sealer;
}

export class FileRequestReads {
  readonly #d: FileRequestReadsDeps;

  constructor(deps: FileRequestReadsDeps) {
    this.#d = deps;
  }

  async getFileRequest(caller: Caller, id: string): Promise<FileRequestRecord> {
    return visibleFileRequest(this.#d.store, caller, id);
  }

  async listFileRequests(
    caller: Caller,
    query: ListFileRequestsQuery,
  ): Promise<{ fileRequests: FileRequestRecord[]; nextCursor: string | null }> {
    const fingerprint = listFingerprint(caller, query);
    let after: string | undefined;
    if (query.cursor !== undefined) {
      const opened = this.#d.sealer.open('list-cursor', query.cursor, fingerprint) as { a?: unknown } | undefined;
      if (!opened || typeof opened.a !== 'string') {
        throw new ValidationError([{ path: 'cursor', message: 'is not a cursor of this query' }]);
      }
      after = opened.a;
    }
    const page = await this.#d.store.list({ ...fileRequestListPlan(caller, query), after });
    return {
      fileRequests: page.fileRequests,
      nextCursor: page.nextAfter === null ? null : this.#d.sealer.seal('list-cursor', { a: page.nextAfter }, fingerprint),
    };
  }
}

/** A cursor only continues the query that made it (same caller and filters), and never a files cursor. */
function listFingerprint(caller: Caller, q: ListFileRequestsQuery): string {
  return createHash('sha256')
    .update(JSON.stringify(['file-requests', caller.tenantId, caller.sub, caller.role, q.ownerId ?? null, q.status ?? null]))
    .digest('base64url');
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
