/**
 * The audit trail in memory, for unit tests: the same answers as the DynamoDB adapter (the port contract suite
 * runs against both), plus `failing` to make every append fail, as an unreachable table would.
 */
import { Auditor } from '../../shared/domain/audit/auditor.ts';
import type { AuditPage, AuditQuery, AuditTrail } from '../../shared/domain/audit/ports.ts';
import type { AuditRecord } from '../../shared/domain/audit/records.ts';

export class InMemoryAuditTrail implements AuditTrail {
  readonly records: AuditRecord[] = [];
  /** While true, every append throws and writes nothing. */
  failing = false;

  async append(records: readonly AuditRecord[]): Promise<void> {
    if (this.failing) throw new Error('audit table unreachable');
    for (const record of records) {
      if (this.records.some((r) => r.tenantId === record.tenantId && r.id === record.id)) throw new Error('record exists');
    }
    this.records.push(...records.map((r) => structuredClone(r)));
  }

  async query(q: AuditQuery): Promise<AuditPage> {
    const matching = this.records
      .filter(
        (r) =>
          r.tenantId === q.tenantId &&
          (q.fileId === undefined || r.fileId === q.fileId) &&
          (q.actorId === undefined || r.actor.id === q.actorId) &&
          (q.action === undefined || r.action === q.action) &&
          (!q.accessesOnly || r.outcome === 'success') &&
          (q.after === undefined || r.id < q.after),
      )
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const records = matching.slice(0, q.limit).map((r) => structuredClone(r));
    return { records, last: matching.length > q.limit ? records.at(-1)!.id : null };
  }

  /** The records of one file, oldest first. */
  of(fileId: string): AuditRecord[] {
    return this.records.filter((r) => r.fileId === fileId);
  }
}

/** An Auditor on a fresh in-memory trail (or the one given). */
export function memoryAuditor(trail = new InMemoryAuditTrail()): Auditor {
  return new Auditor({ trail });
}
