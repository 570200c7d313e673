/**
 * The ports the domain talks to. Adapters in shared/adapters implement them and turn SDK errors into
 * domain errors; tests may implement them in memory.
 */
import type { Caller, FileRecord } from './file.ts';
import type { Category, FileState, RecordType } from './schemas.ts';

export interface StoredObjectHeaders {
  contentType: string;
  /** Kept on the object so a redirect to storage serves the right name without putting it in the URL. */
  contentDisposition: string;
}

/** Object storage for file bytes (S3). Keys hold only tenant and file ids. */
export interface FileStore {
  /**
   * Writes an object; `sha256` (hex) lets storage verify the bytes it received. `tags` are object tags
   * (the expiry lifecycle backstop acts on them).
   */
  put(key: string, bytes: Uint8Array, headers: StoredObjectHeaders & { sha256: string; tags?: Record<string, string> }): Promise<void>;
  /**
   * Starts reading an object; `null` when it does not exist. The body is not read until `read()`, so a
   * caller may open it while it checks permissions and `abort()` if the answer is no.
   */
  open(key: string): Promise<ObjectHandle | null>;
  /** Server-side copy with new headers (rename without moving the bytes through the function). */
  copy(fromKey: string, toKey: string, headers: StoredObjectHeaders): Promise<void>;
  delete(key: string): Promise<void>;
  /** Deletes every object under a prefix (a file's bytes and its derived objects). */
  deletePrefix(prefix: string): Promise<void>;
  /**
   * A short-lived GET URL that supports Range; the object's own headers are served, except that
   * `dispositionType` (when given) replaces the stored Content-Disposition with that bare word.
   */
  presignGet(key: string, ttlSeconds: number, dispositionType?: 'inline'): Promise<string>;
  /**
   * A PUT URL for a client to upload one object directly (`POST /v1/uploads`). The returned `headers` are
   * signed: the client must send them as given, so the object gets our type and disposition, and storage
   * verifies the bytes against `sha256` (hex) when it is given. Header values, never the URL, carry the name.
   */
  presignPut(key: string, ttlSeconds: number, headers: StoredObjectHeaders & { size?: number; sha256?: string }): Promise<PresignedPut>;
  /** Starts a multipart upload whose object will carry `headers`; returns the storage's upload id. */
  createMultipart(key: string, headers: StoredObjectHeaders): Promise<string>;
  /** A PUT URL for one part (1–10,000) of a multipart upload. */
  presignPart(key: string, uploadId: string, partNumber: number, ttlSeconds: number): Promise<string>;
  /**
   * Assembles the parts. `false` when storage refuses the parts list (unknown part or ETag, a part too small,
   * an upload that no longer exists): the client's mistake, not a failure of storage.
   */
  completeMultipart(key: string, uploadId: string, parts: readonly UploadedPart[]): Promise<boolean>;
  /**
   * The parts storage holds for a multipart upload, in part-number order, so an interrupted upload can resume
   * with only the missing ones; `null` when the upload no longer exists (unknown, aborted or completed).
   */
  listParts(key: string, uploadId: string): Promise<StoredPart[] | null>;
  /** Discards a multipart upload and its parts; an upload that no longer exists is not an error. */
  abortMultipart(key: string, uploadId: string): Promise<void>;
  /** Size and, when storage has verified one for the whole object, its SHA-256 (hex); `null` when absent. */
  head(key: string): Promise<{ size: number; etag: string; sha256?: string } | null>;
  /** Bytes `start`..`end` (inclusive, clipped to the object's end). */
  readRange(key: string, start: number, end: number): Promise<Uint8Array>;
  /** SHA-256 (hex) of the object, read as a stream (objects may be gigabytes); `null` when absent. */
  sha256Of(key: string): Promise<string | null>;
  /** Replaces the object's tags (the expiry lifecycle backstop acts on them). */
  setTags(key: string, tags: Record<string, string>): Promise<void>;
}

export interface PresignedPut {
  url: string;
  /** Headers the client must send with the PUT (they are part of the signature). */
  headers: Record<string, string>;
}

export interface UploadedPart {
  partNumber: number;
  etag: string;
}

/** A part storage holds: its ETag as storage reports it (quoted), and its size in bytes. */
export interface StoredPart extends UploadedPart {
  size: number;
}

export interface ObjectHandle {
  size: number;
  read(): Promise<Uint8Array>;
  abort(): void;
}

/** Which list partition to read; the adapter maps it to an index. */
export type ListSource =
  | { by: 'tenant'; state: FileState }
  | { by: 'owner'; value: string; state: FileState }
  | { by: 'entity'; value: { type: string; id: string }; state: FileState }
  | { by: 'category'; value: Category; state: FileState }
  | { by: 'recordType'; value: RecordType; state: FileState }
  | { by: 'fileRequest'; value: string; state: FileState }
  /** Files shared with a user (any state: filter with `states`). */
  | { by: 'sharedWith'; value: string };

export interface ListFilters {
  states: FileState[];
  ownerId?: string;
  entity?: { type: string; id: string };
  category?: Category;
  recordType?: RecordType;
  fileRequestId?: string;
  /** Files visible to this user (owner or shared with); set for patients. */
  visibleTo?: string;
}

export interface ListPlan {
  tenantId: string;
  sources: ListSource[];
  filters: ListFilters;
  sort: 'createdAt' | 'originalName' | 'size';
  order: 'asc' | 'desc';
  limit: number;
  /** Resume strictly after this sort position (from the previous page's cursor). */
  after?: string;
  /** Files expiring at or before this instant are not listed. */
  now: string;
}

export interface ListPage {
  files: FileRecord[];
  /** The sort position to resume after, or null when there is nothing more. */
  nextAfter: string | null;
}

/** Metadata index (DynamoDB). */
export interface FileIndex {
  get(tenantId: string, id: string): Promise<FileRecord | null>;
  /** Stores a new record; throws AlreadyExistsError when the id is taken in the tenant. */
  create(file: FileRecord): Promise<void>;
  /**
   * Reserves an id for one writer (client-chosen ids): a pending record that `get` and `list` do not show and
   * that expires by itself after `ttlSeconds`. Finish with `replace(file, 0)`; give up with `remove`.
   * Throws AlreadyExistsError when any record (pending or not) holds the id.
   */
  claim(tenantId: string, id: string, ttlSeconds: number): Promise<void>;
  /** Replaces a record if its stored version is `expectedVersion`; else throws VersionConflictError. */
  replace(file: FileRecord, expectedVersion: number): Promise<void>;
  /**
   * Gives up the claim on `id` only if it is still a claim (no writer has finished it with `replace(file, 0)`):
   * true when it was released, false when the id holds a file or nothing. Aborting an upload uses it, so an abort
   * and a completion that race never both win.
   */
  releaseClaim(tenantId: string, id: string): Promise<boolean>;
  /** Removes a record and everything in its partition (share markers). */
  remove(tenantId: string, id: string): Promise<void>;
  /** Whether the id holds any record now: a file in any state, or a claim of an upload in progress. */
  holds(tenantId: string, id: string): Promise<boolean>;
  /** Makes the share markers of `file` match its `sharedWith` (and its current name/size for sorting). */
  syncShares(file: FileRecord, previouslySharedWith: readonly string[]): Promise<void>;
  list(plan: ListPlan): Promise<ListPage>;
}

/**
 * The stores' one conflict convention (every port: FileIndex, FileRequestStore, WebhookStore, PendingUploadStore):
 * a conditional create whose key is taken throws AlreadyExistsError; a conditional write on a stale version (or a
 * record that is gone) throws VersionConflictError. Use cases handle both through shared/domain/optimistic-writes.ts.
 */
export class AlreadyExistsError extends Error {
  constructor() {
    super('record already exists');
    this.name = 'AlreadyExistsError';
  }
}

export class VersionConflictError extends Error {
  constructor() {
    super('record changed since it was read');
    this.name = 'VersionConflictError';
  }
}

/** Domain events (issue: events and webhooks). Payloads hold ids and non-personal fields only. */
export interface DomainEvent {
  type: string;
  tenantId: string;
  data: Record<string, unknown>;
}

export interface EventPublisher {
  publish(events: DomainEvent[]): Promise<void>;
}

/**
 * What uploads need of file requests (implemented by the file-requests service). Uploading with a
 * `fileRequestId` needs an open request of the same tenant addressed to the file's owner.
 */
export interface FileRequestGate {
  /** Throws ValidationError (422, path `fileRequestId`) unless such an open request exists. */
  assertOpenFor(tenantId: string, requestId: string, ownerId: string): Promise<void>;
  /**
   * Adds files to the request (only while it is still open and addressed to `ownerId`, else ValidationError)
   * and returns its new file count.
   */
  addFiles(tenantId: string, requestId: string, ownerId: string, fileIds: readonly string[]): Promise<{ fileCount: number }>;
}

/** Who is calling: checks a request's `Authorization` header (a bearer token) and names the caller. */
export interface Authenticator {
  /** The verified caller; UnauthorizedError (401) for anything missing, malformed, expired or invalid. */
  authenticate(authorization: string | undefined): Promise<Caller>;
}
