import { createHash, randomUUID } from 'node:crypto';
/**
 * In-memory implementations of the domain's ports for unit tests of the use cases: no I/O, inspectable state,
 * and switches to make one call fail, to prove what the service leaves behind when a dependency breaks.
 */
import { ValidationError } from '../../shared/domain/errors.ts';
import type { FileRecord } from '../../shared/domain/file.ts';
import { ImageUnreadableError, type ImageInfo, type ImageProcessor, type Thumbnail } from '../../shared/domain/images.ts';
import type { PendingUpload, PendingUploadStore } from '../../shared/domain/large-uploads/pending-upload.ts';
import type { ThumbnailResult } from '../../shared/domain/thumbnail-payload.ts';
import type { Thumbnailer } from '../../shared/domain/thumbnails.ts';
import {
  AlreadyExistsError,
  VersionConflictError,
  type DomainEvent,
  type EventPublisher,
  type FileIndex,
  type FileStore,
  type ListPage,
  type ListPlan,
  type ListSource,
  type ObjectHandle,
  type PresignedPut,
  type StoredObjectHeaders,
  type StoredPart,
  type FileRequestGate,
  type UploadedPart,
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
  failOn(
    op: 'put' | 'open' | 'read' | 'copy' | 'delete' | 'deletePrefix' | 'head' | 'sha256Of' | 'setTags' | 'completeMultipart' | 'listParts',
    rule: FailureRule,
  ): void {
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
  /** Presigned PUTs issued: what a client must send, and the checksum storage will verify. */
  readonly presignedPuts = new Map<string, { key: string; headers: Record<string, string>; sha256?: string }>();
  /** Multipart uploads in progress: upload id → key, headers and the parts received. */
  readonly multiparts = new Map<string, { key: string; headers: StoredObjectHeaders; parts: Map<number, Uint8Array> }>();
  readonly tags = new Map<string, Record<string, string>>();
  /** Set to report a verified SHA-256 from `head` (as S3 does for a single PUT with a checksum); s3rver does not. */
  reportsChecksums = false;
  readonly #verified = new Map<string, string>();

  async presignPut(key: string, ttlSeconds: number, headers: StoredObjectHeaders & { sha256?: string }): Promise<PresignedPut> {
    const url = `https://storage.invalid/put/${randomUUID()}?ttl=${ttlSeconds}`;
    const signed: Record<string, string> = { 'Content-Type': headers.contentType, 'Content-Disposition': headers.contentDisposition };
    if (headers.sha256 !== undefined) signed['x-amz-checksum-sha256'] = Buffer.from(headers.sha256, 'hex').toString('base64');
    this.presignedPuts.set(url, { key, headers: signed, sha256: headers.sha256 });
    return { url, headers: signed };
  }

  /** What storage does with a client's PUT to a presigned URL: signed headers must match, the checksum must hold. */
  clientPut(url: string, bytes: Uint8Array, headers: Record<string, string>): 'ok' | 'signature' | 'checksum' {
    const grant = this.presignedPuts.get(url);
    if (!grant) return 'signature';
    for (const [name, value] of Object.entries(grant.headers)) if (headers[name] !== value) return 'signature';
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (grant.sha256 !== undefined && grant.sha256 !== digest) return 'checksum';
    this.objects.set(grant.key, {
      bytes: Uint8Array.from(bytes),
      headers: { contentType: grant.headers['Content-Type']!, contentDisposition: grant.headers['Content-Disposition']! },
    });
    if (grant.sha256 !== undefined) this.#verified.set(grant.key, digest);
    else this.#verified.delete(grant.key);
    return 'ok';
  }

  async createMultipart(key: string, headers: StoredObjectHeaders): Promise<string> {
    const uploadId = randomUUID();
    this.multiparts.set(uploadId, { key, headers: { ...headers }, parts: new Map() });
    return uploadId;
  }

  async presignPart(key: string, uploadId: string, partNumber: number, ttlSeconds: number): Promise<string> {
    return `https://storage.invalid/part/${uploadId}/${partNumber}?ttl=${ttlSeconds}`;
  }

  /** A client's PUT of one part; returns the part's ETag. */
  clientPutPart(uploadId: string, partNumber: number, bytes: Uint8Array): string {
    const upload = this.multiparts.get(uploadId);
    if (!upload) throw new Error('no such upload');
    upload.parts.set(partNumber, Uint8Array.from(bytes));
    return `"${createHash('md5').update(bytes).digest('hex')}"`;
  }

  async completeMultipart(key: string, uploadId: string, parts: readonly UploadedPart[]): Promise<boolean> {
    await Promise.resolve();
    this.#enter('completeMultipart', key);
    const upload = this.multiparts.get(uploadId);
    if (!upload || upload.key !== key) return false;
    const chunks: Uint8Array[] = [];
    for (const part of parts) {
      const bytes = upload.parts.get(part.partNumber);
      if (!bytes || `"${createHash('md5').update(bytes).digest('hex')}"` !== `"${part.etag.replace(/"/g, '')}"`) return false;
      chunks.push(bytes);
    }
    this.objects.set(key, { bytes: Buffer.concat(chunks), headers: upload.headers });
    this.multiparts.delete(uploadId);
    return true;
  }

  async listParts(key: string, uploadId: string): Promise<StoredPart[] | null> {
    await Promise.resolve();
    this.#enter('listParts', key);
    const upload = this.multiparts.get(uploadId);
    if (!upload || upload.key !== key) return null;
    return [...upload.parts]
      .sort(([a], [b]) => a - b)
      .map(([partNumber, bytes]) => ({ partNumber, size: bytes.length, etag: `"${createHash('md5').update(bytes).digest('hex')}"` }));
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    await Promise.resolve();
    this.#enter('abortMultipart', key);
    if (this.multiparts.get(uploadId)?.key === key) this.multiparts.delete(uploadId);
  }

  async head(key: string): Promise<{ size: number; etag: string; sha256?: string } | null> {
    await Promise.resolve();
    this.#enter('head', key);
    const found = this.objects.get(key);
    if (!found) return null;
    const verified = this.reportsChecksums ? this.#verified.get(key) : undefined;
    return { size: found.bytes.length, etag: `"${createHash('md5').update(found.bytes).digest('hex')}"`, ...(verified ? { sha256: verified } : {}) };
  }

  async readRange(key: string, start: number, end: number): Promise<Uint8Array> {
    await Promise.resolve();
    this.#enter('readRange', key);
    return Uint8Array.from(this.objects.get(key)?.bytes.subarray(start, end + 1) ?? []);
  }

  async sha256Of(key: string): Promise<string | null> {
    await Promise.resolve();
    this.#enter('sha256Of', key);
    const found = this.objects.get(key);
    return found ? createHash('sha256').update(found.bytes).digest('hex') : null;
  }

  async setTags(key: string, tags: Record<string, string>): Promise<void> {
    await Promise.resolve();
    this.#enter('setTags', key);
    this.tags.set(key, { ...tags });
  }
}

const key = (tenantId: string, id: string) => `${tenantId}/${id}`;

/**
 * A FileIndex with the port's semantics: conditional create and replace, pending claims (hidden from `get`
 * and `list`, expiring by themselves), expiry and filters applied on read. `list` keeps what the plan's
 * sources hold and sorts in memory: it is a reference, not a model of the DynamoDB layout (the port contracts
 * in test/support/port-contracts/ hold the two to the same answers).
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

  async releaseClaim(tenantId: string, id: string): Promise<boolean> {
    await Promise.resolve();
    const k = key(tenantId, id);
    if (this.records.has(k) || !this.claims.has(k)) return false;
    this.claims.delete(k);
    return true;
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

  /** Whether a record is in a source's partition: the adapter reads only the plan's sources. */
  #inSource(r: FileRecord, source: ListSource): boolean {
    if (source.by === 'sharedWith') return this.shares.get(key(r.tenantId, r.id))?.has(source.value) ?? false;
    if (r.state !== source.state) return false;
    switch (source.by) {
      case 'tenant': return true;
      case 'owner': return r.ownerId === source.value;
      case 'entity': return r.entity?.type === source.value.type && r.entity.id === source.value.id;
      case 'category': return r.category === source.value;
      case 'recordType': return r.recordType === source.value;
      case 'fileRequest': return r.fileRequestId === source.value;
    }
  }

  async list(plan: ListPlan): Promise<ListPage> {
    await Promise.resolve();
    this.#enter('list', '');
    const f = plan.filters;
    const sortKey = (r: FileRecord) =>
      plan.sort === 'size' ? `${String(r.size).padStart(15, '0')}\u0001${r.id}` : `${plan.sort === 'createdAt' ? r.createdAt : r.originalName.normalize('NFKC').toLowerCase()}\u0001${r.id}`;
    const rows = [...this.records.values()]
      .filter((r) => r.tenantId === plan.tenantId)
      .filter((r) => plan.sources.some((source) => this.#inSource(r, source)))
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

/** Pending large uploads in memory (the DynamoDB item next to the id's claim), expiring on read. */
export class InMemoryPendingUploads implements PendingUploadStore {
  readonly uploads = new Map<string, PendingUpload>();

  async put(upload: PendingUpload): Promise<void> {
    await Promise.resolve();
    if (this.uploads.has(key(upload.tenantId, upload.id))) throw new AlreadyExistsError();
    this.uploads.set(key(upload.tenantId, upload.id), structuredClone(upload));
  }

  async get(tenantId: string, id: string, now: Date): Promise<PendingUpload | null> {
    await Promise.resolve();
    const found = this.uploads.get(key(tenantId, id));
    return found && found.expiresAt > now.toISOString() ? structuredClone(found) : null;
  }

  async remove(tenantId: string, id: string): Promise<void> {
    await Promise.resolve();
    this.uploads.delete(key(tenantId, id));
  }
}
