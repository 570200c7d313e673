/**
 * The DynamoDB table layout, once: read by the CDK stack and by the local runtime when it creates the table.
 *
 * One table holds every record type. Base key: `pk` + `sk`. Files are `pk = T#<tenant>#F#<fileId>`, `sk = F`;
 * the records that belong to a file (share markers) live in the same partition so deleting a file is one Query.
 *
 * Listing never scans. Each list filter is a "dimension" slot `g1pk..g6pk` whose value names the partition
 * (tenant, owner, entity, category, record type, file request; the file state is folded into the value), and
 * each sort order is a sort attribute (`sc` createdAt, `sn` name, `ss` size; each ends in the file id so
 * values are unique). One GSI per (dimension, sort) pair: a list page is one Query on one index, and its
 * cost is the page, not the tenant. 6 × 3 = 18 GSIs (DynamoDB allows 20).
 *
 * One more index, `schedule` (`xpk` + `xsk`), holds work due at a time: pending webhook deliveries
 * (`xpk = DUE`, `xsk = nextAttemptAt#id`) and items that expire (`xpk = EXP`, `xsk = expiresAt#id`), so the
 * retry poller and the local expiry sweeper read only what is due. 19 GSIs in all.
 */

/** What a table's layout says about its keys and indexes (TABLE_SCHEMA; AUDIT_TABLE_SCHEMA): every key a string. */
export interface TableLayout {
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly indexes: readonly { readonly name: string; readonly partitionKey: string; readonly sortKey: string }[];
}

export const DIMENSIONS = ['g1pk', 'g2pk', 'g3pk', 'g4pk', 'g5pk', 'g6pk'] as const;
export const SORT_KEYS = { createdAt: 'sc', originalName: 'sn', size: 'ss' } as const;

export type DimensionAttr = (typeof DIMENSIONS)[number];
export type SortAttr = (typeof SORT_KEYS)[keyof typeof SORT_KEYS];

export interface IndexDef {
  readonly name: string;
  readonly partitionKey: DimensionAttr;
  readonly sortKey: SortAttr;
}

/** Index name for a dimension slot and sort attribute, e.g. `g2pk` + `sn` → `g2-sn`. */
export function indexName(dimension: DimensionAttr, sort: SortAttr): string {
  return `${dimension.slice(0, 2)}-${sort}`;
}

export interface ScheduleIndexDef {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export const SCHEDULE_INDEX: ScheduleIndexDef = { name: 'schedule', partitionKey: 'xpk', sortKey: 'xsk' };

export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** DynamoDB TTL attribute (epoch seconds). */
  ttlAttribute: 'ttl',
  indexes: [
    ...DIMENSIONS.flatMap((d) =>
      Object.values(SORT_KEYS).map((s): IndexDef | ScheduleIndexDef => ({ name: indexName(d, s), partitionKey: d, sortKey: s })),
    ),
    SCHEDULE_INDEX,
  ] as readonly (IndexDef | ScheduleIndexDef)[],
} as const;
