/** What the audit trail needs from storage (implemented by shared/adapters/dynamo-audit-trail.ts). */
import type { AuditAction, AuditRecord } from './records.ts';

export interface AuditQuery {
  tenantId: string;
  fileId?: string;
  actorId?: string;
  action?: AuditAction;
  /** Only the successful accesses of `fileId` (the file's access log). */
  accessesOnly?: boolean;
  limit: number;
  /** Continue after the record with this id (newest first: the next page holds older records). */
  after?: string;
}

export interface AuditPage {
  records: AuditRecord[];
  /** The id of the page's last record when more may follow; null at the end. */
  last: string | null;
}

export interface AuditTrail {
  /**
   * Writes every record, each at most once: a record never replaces another. Throws when any could not be
   * written (the caller then refuses the request); records written before the failure stay.
   */
  append(records: readonly AuditRecord[]): Promise<void>;
  /** Newest first; each page is one query. */
  query(query: AuditQuery): Promise<AuditPage>;
}
