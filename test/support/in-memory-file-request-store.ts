/**
 * An in-memory FileRequestStore with the port's semantics (conditional writes, newest-first pages), for unit
 * tests of the file-request use cases; test/support/port-contracts/file-request-store.ts holds it to the
 * DynamoDB adapter's behaviour.
 */
import type { FileRequestListPlan, FileRequestPage, FileRequestStore } from '../../shared/domain/file-requests/ports.ts';
import type { FileRequestRecord } from '../../shared/domain/file-requests/record.ts';
import { AlreadyExistsError, VersionConflictError } from '../../shared/domain/ports.ts';

const keyOf = (tenantId: string, id: string) => `${tenantId}/${id}`;
const sortValue = (r: Pick<FileRequestRecord, 'createdAt' | 'id'>) => `${r.createdAt}\u0001${r.id}`;

export class InMemoryFileRequestStore implements FileRequestStore {
  readonly records = new Map<string, FileRequestRecord>();
  readonly plans: FileRequestListPlan[] = [];
  /** Runs before each `replace` is applied, e.g. to simulate a concurrent writer. */
  beforeReplace: ((record: FileRequestRecord) => void) | undefined;

  async get(tenantId: string, id: string): Promise<FileRequestRecord | null> {
    await Promise.resolve();
    const found = this.records.get(keyOf(tenantId, id));
    return found ? structuredClone(found) : null;
  }

  async create(record: FileRequestRecord): Promise<void> {
    await Promise.resolve();
    if (this.records.has(keyOf(record.tenantId, record.id))) throw new AlreadyExistsError();
    this.records.set(keyOf(record.tenantId, record.id), structuredClone(record));
  }

  async replace(record: FileRequestRecord, expectedVersion: number): Promise<void> {
    await Promise.resolve();
    this.beforeReplace?.(record);
    const current = this.records.get(keyOf(record.tenantId, record.id));
    if (!current || current.version !== expectedVersion) throw new VersionConflictError();
    this.records.set(keyOf(record.tenantId, record.id), structuredClone(record));
  }

  async appendFiles(
    tenantId: string,
    id: string,
    ownerId: string,
    fileIds: readonly string[],
    options: { maxFileCount: number; updatedAt: string },
  ): Promise<FileRequestRecord | null> {
    await Promise.resolve();
    const current = this.records.get(keyOf(tenantId, id));
    if (!current || current.status !== 'open' || current.ownerId !== ownerId) return null;
    if (current.fileCount + fileIds.length > options.maxFileCount) return null;
    current.fileIds.push(...fileIds);
    current.fileCount += fileIds.length;
    current.version += 1;
    current.updatedAt = options.updatedAt;
    return structuredClone(current);
  }

  async list(plan: FileRequestListPlan): Promise<FileRequestPage> {
    await Promise.resolve();
    this.plans.push(plan);
    const rows = [...this.records.values()]
      .filter((r) => r.tenantId === plan.tenantId)
      .filter((r) => plan.sources.some((s) => s.status === r.status && (s.ownerId === undefined || s.ownerId === r.ownerId)))
      .map((r) => ({ r, k: sortValue(r) }))
      .sort((a, b) => (a.k < b.k ? 1 : a.k > b.k ? -1 : 0))
      .filter(({ k }) => plan.after === undefined || k < plan.after);
    const page = rows.slice(0, plan.limit);
    return { fileRequests: page.map(({ r }) => structuredClone(r)), nextAfter: rows.length > plan.limit ? page.at(-1)!.k : null };
  }
}
