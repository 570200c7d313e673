/**
 * In-memory implementations of the domain's ports for unit tests of FilesService: no I/O, inspectable state,
 * and switches to make one call fail, to prove what the service leaves behind when a dependency breaks.
 */
import { ValidationError } from '../../shared/domain/errors.ts';
import type { FileRecord } from '../../shared/domain/file.ts';
import { ImageUnreadableError, type ImageInfo, type ImageProcessor, type Thumbnail } from '../../shared/domain/images.ts';
import type { Thumbnailer, ThumbnailResult } from '../../shared/domain/thumbnails.ts';
import {
  AlreadyExistsError,
  VersionConflictError,
  type DomainEvent,
  type EventPublisher,
  type FileIndex,
  type FileStore,
  type ListPage,
  type ListPlan,
  type ObjectHandle,
  type StoredObjectHeaders,
  type FileRequestGate,
} from '../../shared/domain/ports.ts';

export interface StoredObject {
  bytes: Uint8Array;
  headers: StoredObjectHeaders;
}

/** Decides whether the n-th call (1-based) of an operation fails, and with what. */
export type FailureRule = (call: number, key: string) => Error | undefined;

export class InMemoryFileStore implements FileStore {
  readonly objects = new Map<string, StoredObject>();
  readonly calls: { op: string; key: string }[] = [];
  readonly #counts = new Map<string, number>();
  readonly #failures = new Map<string, FailureRule>();

  /** Makes `op` throw whenever `rule` returns an error. */
  failOn(op: 'put' | 'open' | 'read' | 'copy' | 'delete' | 'deletePrefix', rule: FailureRule): void {
    this.#failures.set(op, rule);
  }

  #enter(op: string, key: string): void {
    const n = (this.#counts.get(op) ?? 0) + 1;
    this.#counts.set(op, n);
    this.calls.push({ op, key });
    const error = this.#failures.get(op)?.(n, key);
    if (error) throw error;
  }

  async put(key: string, bytes: Uint8Array, headers: StoredObjectHeaders & { sha256: string }): Promise<void> {
    await Promise.resolve();
    this.#enter('put', key);
    this.objects.set(key, { bytes: Uint8Array.from(bytes), headers: { contentType: headers.contentType, contentDisposition: headers.contentDisposition } });
  }

  /** Handles opened and whether each was read or aborted, to check that unread bodies are released. */
  readonly handles: { key: string; read: boolean; aborted: boolean }[] = [];

  async open(key: string): Promise<ObjectHandle | null> {
    await Promise.resolve();
    this.#enter('open', key);
    const found = this.objects.get(key);
    if (!found) return null;
    const state = { key, read: false, aborted: false };
    this.handles.push(state);
    return {
      size: found.bytes.length,
      read: async () => {
        this.#enter('read', key);
        if (state.aborted) throw new Error('read after abort');
        state.read = true;
        return Uint8Array.from(found.bytes);
      },
      abort: () => {
        state.aborted = true;
      },
    };
  }

  async copy(fromKey: string, toKey: string, headers: StoredObjectHeaders): Promise<void> {
    await Promise.resolve();
    this.#enter('copy', toKey);
    const from = this.objects.get(fromKey);
    if (!from) throw new Error('no such object');
    this.objects.set(toKey, { bytes: from.bytes, headers: { ...headers } });
  }

  async delete(key: string): Promise<void> {
    await Promise.resolve();
    this.#enter('delete', key);
    this.objects.delete(key);
  }

  async deletePrefix(prefix: string): Promise<void> {
    await Promise.resolve();
    this.#enter('deletePrefix', prefix);
    for (const key of [...this.objects.keys()]) if (key.startsWith(prefix)) this.objects.delete(key);
  }

  async presignGet(key: string, ttlSeconds: number, dispositionType?: 'inline'): Promise<string> {
    const query = new URLSearchParams({ ttl: String(ttlSeconds), ...(dispositionType ? { disposition: dispositionType } : {}) });
    return `https://storage.invalid/${key}?${query.toString()}`;
  }
}

const key = (tenantId: string, id: string) => `${tenantId}/${id}`;

/**
 * A FileIndex with the port's semantics: conditional create and replace, pending claims (hidden from `get`
 * and `list`, expiring by themselves), expiry and filters applied on read. `list` reads everything and
 * sorts in memory: it is a reference, not a model of the DynamoDB layout.
 */
export class InMemoryFileIndex implements FileIndex {
  readonly records = new Map<string, FileRecord>();
  /** Pending claims: key → expiry in epoch milliseconds. */
  readonly claims = new Map<string, number>();
  readonly shares = new Map<string, Set<string>>();
  readonly #counts = new Map<string, number>();
  readonly #failures = new Map<string, FailureRule>();
  /** Runs before each `create` is applied, e.g. to simulate a concurrent writer taking the id first. */
  beforeCreate: ((file: FileRecord) => void) | undefined;
  /** Runs before each `claim` is applied. */
  beforeClaim: ((tenantId: string, id: string) => void) | undefined;

  constructor(private readonly now: () => Date = () => new Date()) {}

  failOn(op: 'get' | 'create' | 'claim' | 'replace' | 'remove' | 'syncShares' | 'list', rule: FailureRule): void {
    this.#failures.set(op, rule);
  }

  #enter(op: string, id: string): void {
    const n = (this.#counts.get(op) ?? 0) + 1;
    this.#counts.set(op, n);
    const error = this.#failures.get(op)?.(n, id);
    if (error) throw error;
  }

  async get(tenantId: string, id: string): Promise<FileRecord | null> {
    await Promise.resolve();
    this.#enter('get', id);
    const found = this.records.get(key(tenantId, id));
    return found ? structuredClone(found) : null;
  }

  async create(file: FileRecord): Promise<void> {
    await Promise.resolve();
    this.#enter('create', file.id);
    this.beforeCreate?.(file);
    if (this.#taken(file.tenantId, file.id)) throw new AlreadyExistsError();
    this.records.set(key(file.tenantId, file.id), structuredClone(file));
  }

  async claim(tenantId: string, id: string, ttlSeconds: number): Promise<void> {
    await Promise.resolve();
    this.#enter('claim', id);
    this.beforeClaim?.(tenantId, id);
    if (this.#taken(tenantId, id)) throw new AlreadyExistsError();
    this.claims.set(key(tenantId, id), this.now().getTime() + ttlSeconds * 1000);
  }

  #taken(tenantId: string, id: string): boolean {
    const claim = this.claims.get(key(tenantId, id));
    return this.records.has(key(tenantId, id)) || (claim !== undefined && claim > this.now().getTime());
  }

  async replace(file: FileRecord, expectedVersion: number): Promise<void> {
    await Promise.resolve();
    this.#enter('replace', file.id);
    const k = key(file.tenantId, file.id);
    const current = this.records.get(k);
    const claimed = this.claims.has(k) && expectedVersion === 0;
    if (!claimed && (!current || current.version !== expectedVersion)) throw new VersionConflictError();
    this.claims.delete(k);
    this.records.set(k, structuredClone(file));
  }

  async holds(tenantId: string, id: string): Promise<boolean> {
    await Promise.resolve();
    return this.records.has(key(tenantId, id)) || this.claims.has(key(tenantId, id));
  }

  async remove(tenantId: string, id: string): Promise<void> {
    await Promise.resolve();
    this.#enter('remove', id);
    this.records.delete(key(tenantId, id));
    this.claims.delete(key(tenantId, id));
    this.shares.delete(key(tenantId, id));
  }

  async syncShares(file: FileRecord): Promise<void> {
    await Promise.resolve();
    this.#enter('syncShares', file.id);
    this.shares.set(key(file.tenantId, file.id), new Set(file.sharedWith));
  }

  async list(plan: ListPlan): Promise<ListPage> {
    await Promise.resolve();
    this.#enter('list', '');
    const f = plan.filters;
    const sortKey = (r: FileRecord) =>
      plan.sort === 'size' ? `${String(r.size).padStart(15, '0')}\u0001${r.id}` : `${plan.sort === 'createdAt' ? r.createdAt : r.originalName}\u0001${r.id}`;
    const rows = [...this.records.values()]
      .filter((r) => r.tenantId === plan.tenantId)
      .filter((r) => f.states.includes(r.state))
      .filter((r) => r.expiresAt === null || r.expiresAt > plan.now)
      .filter((r) => f.ownerId === undefined || r.ownerId === f.ownerId)
      .filter((r) => !f.entity || (r.entity?.type === f.entity.type && r.entity.id === f.entity.id))
      .filter((r) => f.category === undefined || r.category === f.category)
      .filter((r) => f.recordType === undefined || r.recordType === f.recordType)
      .filter((r) => f.fileRequestId === undefined || r.fileRequestId === f.fileRequestId)
      .filter((r) => f.visibleTo === undefined || r.ownerId === f.visibleTo || r.sharedWith.includes(f.visibleTo))
      .map((r) => ({ r, k: sortKey(r) }))
      .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
    if (plan.order === 'desc') rows.reverse();
    const after = plan.after;
    const rest = after === undefined ? rows : rows.filter(({ k }) => (plan.order === 'asc' ? k > after : k < after));
    const page = rest.slice(0, plan.limit);
    return {
      files: page.map(({ r }) => structuredClone(r)),
      nextAfter: rest.length > plan.limit ? page.at(-1)!.k : null,
    };
  }
}

export class RecordingPublisher implements EventPublisher {
  readonly events: DomainEvent[] = [];

  async publish(events: DomainEvent[]): Promise<void> {
    this.events.push(...events);
  }
}

/** An image processor for tests that upload no images: every header is unreadable, thumbnails are refused. */
export class NoImageProcessor implements ImageProcessor {
  async readInfo(): Promise<ImageInfo | null> {
    return null;
  }

  async thumbnail(): Promise<Thumbnail> {
    throw new ImageUnreadableError();
  }
}

/** A thumbnailer for tests that ask for none. */
export class UnusedThumbnailer implements Thumbnailer {
  async make(): Promise<ThumbnailResult> {
    throw new Error('no thumbnail was expected in this test');
  }
}

/** File requests in memory: `open(id, owner)` makes one; `close(id)` closes it (e.g. between check and add). */
export class InMemoryFileRequests implements FileRequestGate {
  readonly requests = new Map<string, { ownerId: string; open: boolean; fileIds: string[] }>();

  open(id: string, ownerId: string): void {
    this.requests.set(id, { ownerId, open: true, fileIds: [] });
  }

  close(id: string): void {
    this.requests.get(id)!.open = false;
  }

  async assertOpenFor(_tenantId: string, requestId: string, ownerId: string): Promise<void> {
    this.#openFor(requestId, ownerId);
  }

  async addFiles(_tenantId: string, requestId: string, ownerId: string, fileIds: readonly string[]) {
    const request = this.#openFor(requestId, ownerId);
    request.fileIds.push(...fileIds);
    return { fileCount: request.fileIds.length };
  }

  #openFor(requestId: string, ownerId: string) {
    const request = this.requests.get(requestId);
    if (!request || !request.open || request.ownerId !== ownerId) {
      throw new ValidationError([{ path: 'fileRequestId', message: 'no open file request with this id for this owner' }]);
    }
    return request;
  }
}
