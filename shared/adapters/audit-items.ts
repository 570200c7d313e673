/**
 * An audit record as a DynamoDB item of the audit table (./audit-table-schema.ts), and back: written by
 * ./dynamo-audit-trail.ts, read back by its queries and by the archiver from the table's stream.
 * Tenant ids cannot hold `#` (shared/domain/tenant.ts), so `tenant#…` keys never collide across tenants.
 */
import type { AuditRecord } from '../domain/audit/records.ts';
import { AUDIT_INDEXES, AUDIT_TABLE_SCHEMA } from './audit-table-schema.ts';

type Item = Record<string, unknown>;

const { tenant, actor, action, access } = AUDIT_INDEXES;

export const fileKey = (tenantId: string, fileId: string) => `${tenantId}#${fileId}`;
export const actorKey = (tenantId: string, actorId: string) => `${tenantId}#${actorId}`;
export const actionKey = (tenantId: string, action: string) => `${tenantId}#${action}`;

export function toAuditItem(record: AuditRecord): Item {
  return {
    [AUDIT_TABLE_SCHEMA.partitionKey]: fileKey(record.tenantId, record.fileId),
    [AUDIT_TABLE_SCHEMA.sortKey]: record.id,
    [tenant.partitionKey]: record.tenantId,
    [actor.partitionKey]: actorKey(record.tenantId, record.actor.id),
    [action.partitionKey]: actionKey(record.tenantId, record.action),
    // Sparse: only successful accesses are in a file's access log.
    ...(record.outcome === 'success' ? { [access.partitionKey]: fileKey(record.tenantId, record.fileId) } : {}),
    id: record.id,
    at: record.at,
    tenantId: record.tenantId,
    actorId: record.actor.id,
    actorRole: record.actor.role,
    action: record.action,
    fileId: record.fileId,
    outcome: record.outcome,
    via: record.via,
    requestId: record.requestId,
    sourceIp: record.sourceIp,
    userAgent: record.userAgent,
    ...(record.listed ? { listed: true } : {}),
  };
}

/** The record an item holds (a plain, unmarshalled item: from a Query or from a stream image). */
export function fromAuditItem(item: Item): AuditRecord {
  return {
    id: item.id as string,
    at: item.at as string,
    tenantId: item.tenantId as string,
    actor: { id: item.actorId as string, role: item.actorRole as AuditRecord['actor']['role'] },
    action: item.action as AuditRecord['action'],
    fileId: item.fileId as string,
    outcome: item.outcome as AuditRecord['outcome'],
    via: item.via as AuditRecord['via'],
    requestId: item.requestId as string,
    sourceIp: (item.sourceIp as string | null | undefined) ?? null,
    userAgent: (item.userAgent as string | null | undefined) ?? null,
    ...(item.listed === true ? { listed: true as const } : {}),
  };
}
