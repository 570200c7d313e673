/**
 * What every AuditTrail must do (shared/domain/audit/ports.ts), run against the in-memory fake and against
 * DynamoAuditTrail on the local DynamoDB server: records are kept as written and never replaced, pages come newest
 * first, filters combine, a tenant sees only its own, and walking `after` returns each matching record once.
 */
import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditQuery, AuditTrail } from '../../../shared/domain/audit/ports.ts';
import type { AuditRecord } from '../../../shared/domain/audit/records.ts';

export function describeAuditTrailContract(name: string, make: () => AuditTrail): void {
  describe(`AuditTrail contract: ${name}`, () => {
    let trail: AuditTrail;
    /** A fresh tenant per test: the real table is shared by every test. */
    let tenantId: string;
    const fileA = uuidv7();
    const fileB = uuidv7();

    beforeEach(() => {
      trail = make();
      tenantId = `contract-${randomUUID()}`;
    });

    const record = (over: Partial<AuditRecord> = {}): AuditRecord => ({
      id: uuidv7(), at: '2026-11-30T12:00:00.000Z', tenantId, actor: { id: 'provider-1', role: 'provider' }, action: 'read',
      fileId: fileA, outcome: 'success', via: 'token', requestId: 'req-1', sourceIp: '203.0.113.9', userAgent: 'contract', ...over,
    });

    /** Every record a query matches, page by page. */
    async function walk(query: Omit<AuditQuery, 'limit' | 'after'>, limit: number): Promise<AuditRecord[]> {
      const seen: AuditRecord[] = [];
      let after: string | undefined;
      for (let pages = 0; pages < 50; pages++) {
        const page = await trail.query({ ...query, limit, after });
        expect(page.records.length).toBeLessThanOrEqual(limit);
        seen.push(...page.records);
        if (page.last === null) return seen;
        after = page.last;
      }
      throw new Error('did not end');
    }

    it('keeps records as written (optional fields too) and answers newest first', async () => {
      const written = [
        record({ action: 'create', sourceIp: null, userAgent: null }),
        record({ action: 'read', listed: true }),
        record({ action: 'download', via: 'signed_link', actor: { id: 'patient-1', role: 'patient' } }),
      ];
      for (const r of written) await trail.append([r]);
      const page = await trail.query({ tenantId, limit: 10 });
      expect(page).toEqual({ records: [...written].reverse(), last: null });
    });

    it('appends many at once, and never replaces a record', async () => {
      const many = Array.from({ length: 30 }, () => record());
      await trail.append(many);
      expect(await walk({ tenantId }, 7)).toHaveLength(30);
      const original = many[0]!;
      await expect(trail.append([{ ...original, action: 'delete' }])).rejects.toThrow();
      expect((await trail.query({ tenantId, fileId: fileA, action: 'delete', limit: 50 })).records).toEqual([]);
    });

    it('filters combine: file, actor, action; the access log holds successes only', async () => {
      const rows = [
        record({ fileId: fileA, actor: { id: 'u1', role: 'provider' }, action: 'read' }),
        record({ fileId: fileA, actor: { id: 'u2', role: 'patient' }, action: 'read', outcome: 'denied' }),
        record({ fileId: fileB, actor: { id: 'u1', role: 'provider' }, action: 'update' }),
        record({ fileId: fileA, actor: { id: 'u1', role: 'provider' }, action: 'download' }),
        record({ fileId: fileB, actor: { id: 'u2', role: 'patient' }, action: 'read' }),
      ];
      await trail.append(rows);
      const ids = (found: AuditRecord[]) => found.map((r) => r.id);
      const newestFirst = (pick: (r: AuditRecord) => boolean) => rows.filter(pick).map((r) => r.id).reverse();
      for (const limit of [1, 2, 10]) {
        expect(ids(await walk({ tenantId }, limit))).toEqual(newestFirst(() => true));
        expect(ids(await walk({ tenantId, fileId: fileA }, limit))).toEqual(newestFirst((r) => r.fileId === fileA));
        expect(ids(await walk({ tenantId, actorId: 'u1' }, limit))).toEqual(newestFirst((r) => r.actor.id === 'u1'));
        expect(ids(await walk({ tenantId, action: 'read' }, limit))).toEqual(newestFirst((r) => r.action === 'read'));
        expect(ids(await walk({ tenantId, fileId: fileA, actorId: 'u1', action: 'read' }, limit))).toEqual([rows[0]!.id]);
        expect(ids(await walk({ tenantId, actorId: 'u2', action: 'read' }, limit))).toEqual([rows[4]!.id, rows[1]!.id]);
        expect(ids(await walk({ tenantId, fileId: fileA, accessesOnly: true }, limit))).toEqual([rows[3]!.id, rows[0]!.id]);
      }
    });

    it('another tenant sees nothing, even with the same file and actor ids', async () => {
      await trail.append([record()]);
      const other = `contract-${randomUUID()}`;
      expect((await trail.query({ tenantId: other, limit: 10 })).records).toEqual([]);
      expect((await trail.query({ tenantId: other, fileId: fileA, limit: 10 })).records).toEqual([]);
      expect((await trail.query({ tenantId: other, actorId: 'provider-1', limit: 10 })).records).toEqual([]);
    });
  });
}
