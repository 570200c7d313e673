/** Reading the audit trail (`GET /v1/audit-events`, admin and service): filters that combine, newest first. */
import { cursorFingerprint, openCursor, sealCursor } from '../cursors.ts';
import { ForbiddenError } from '../errors.ts';
import type { Caller } from '../file.ts';
import type { Sealer } from '../sealing.ts';
import type { AuditTrail } from './ports.ts';
import type { AuditAction, AuditRecord } from './records.ts';

export interface AuditEventsRequest {
  fileId?: string;
  actorId?: string;
  action?: AuditAction;
  limit: number;
  cursor?: string;
}

export interface AuditTrailReadsDeps {
  trail: AuditTrail;
  sealer: Sealer;
}

export class AuditTrailReads {
  readonly #d: AuditTrailReadsDeps;

  constructor(deps: AuditTrailReadsDeps) {
    this.#d = deps;
  }

  /** Admin and service only (403), checked before the query is: a role that may not read it learns nothing more. */
  assertMayRead(caller: Caller): void {
    if (caller.role !== 'admin' && caller.role !== 'service') throw new ForbiddenError('Only admins and services read the audit trail');
  }

  /** One page: one query on the index of the most selective filter. */
  async listEvents(caller: Caller, request: AuditEventsRequest): Promise<{ events: AuditRecord[]; nextCursor: string | null }> {
    this.assertMayRead(caller);
    const { cursor, limit: _limit, ...filters } = request;
    const fingerprint = cursorFingerprint(['audit-events', caller.tenantId, Object.entries(filters).sort()]);
    const after = openCursor(this.#d.sealer, cursor, fingerprint);
    const page = await this.#d.trail.query({ tenantId: caller.tenantId, ...filters, limit: request.limit, after });
    return { events: page.records, nextCursor: sealCursor(this.#d.sealer, page.last, fingerprint) };
  }
}
