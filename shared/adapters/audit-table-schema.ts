/**
 * The audit table's layout, once: read by the CDK stack (infra/audit.ts) and by the local runtime when it creates
 * the table. The audit trail has a table of its own: append-only (no function may update or delete an item), never
 * expiring, and kept apart from the file table whose items come and go.
 *
 * Every record is one item. Its sort key `sk` is the record's id, a UUIDv7, so items sort by time; newest first is
 * a Query with ScanIndexForward=false. Base key `pk = <tenant>#<fileId>` (a file's history); one GSI for each other
 * way the trail is read, each keyed by tenant so nothing crosses tenants:
 *
 * | index        | partition key `…`        | holds                                        |
 * |--------------|--------------------------|----------------------------------------------|
 * | (table)      | `pk`  tenant#fileId      | every record of one file                     |
 * | `by-tenant`  | `tk`  tenant             | every record of the tenant                   |
 * | `by-actor`   | `ak`  tenant#actorId     | every record of one user                     |
 * | `by-action`  | `ck`  tenant#action      | every record of one action                   |
 * | `by-access`  | `fk`  tenant#fileId      | a file's successful accesses only (sparse)   |
 *
 * `GET /v1/audit-events` reads the most selective of these for its filters (file, then actor, then action, then
 * the tenant) and filters the rest in the same Query; `GET /v1/files/{id}/access-log` reads `by-access`.
 */
import type { TableLayout } from './table-schema.ts';

type AuditIndexDef = TableLayout['indexes'][number];

export const AUDIT_INDEXES = {
  tenant: { name: 'by-tenant', partitionKey: 'tk', sortKey: 'sk' },
  actor: { name: 'by-actor', partitionKey: 'ak', sortKey: 'sk' },
  action: { name: 'by-action', partitionKey: 'ck', sortKey: 'sk' },
  access: { name: 'by-access', partitionKey: 'fk', sortKey: 'sk' },
} as const satisfies Record<string, AuditIndexDef>;

export const AUDIT_TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: Object.values(AUDIT_INDEXES),
} as const satisfies TableLayout;
