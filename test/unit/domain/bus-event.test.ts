/** The bus event: what the publishers make is what the consumers accept. */
import { describe, expect, it } from 'vitest';
import { BusEventDetail, toBusEventDetail } from '../../../shared/domain/bus-event.ts';

describe('BusEventDetail', () => {
  it('accepts what the publishers send', () => {
    const now = new Date('2026-03-01T10:00:00.000Z');
    const detail = toBusEventDetail({ type: 'file.created', tenantId: 'clinic-1', data: { fileId: 'f1' } }, now);
    expect(BusEventDetail.parse(detail)).toEqual({ id: detail.id, type: 'file.created', tenantId: 'clinic-1', timestamp: now.toISOString(), data: { fileId: 'f1' } });
  });

  it('refuses a tenant id that could escape a key, and a timestamp with an offset', () => {
    const detail = toBusEventDetail({ type: 'file.created', tenantId: 't1', data: {} });
    expect(BusEventDetail.safeParse({ ...detail, tenantId: '../x' }).success).toBe(false);
    expect(BusEventDetail.safeParse({ ...detail, timestamp: '2026-03-01T10:00:00+01:00' }).success).toBe(false);
  });
});
