/**
 * The file use cases. Handlers parse and validate requests, then make one call here. All writes are ordered
 * so that a failure leaves nothing half done (no object without metadata, no metadata without an object):
 * bytes first under a fresh key, then a conditional metadata write; a failed metadata write removes the bytes.
 */
import { createHash } from 'node:crypto';
import { create as contentDisposition } from 'content-disposition';
import { v7 as uuidv7 } from 'uuid';
import {
  ConflictError,
  ForbiddenError,
  InternalError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from './errors.ts';
import {
  contentKey,
  etagOf,
  extensionOf,
  fileKeyPrefix,
  isExpired,
  toFileResource,
  type Caller,
  type FileRecord,
} from './file.ts';
import type { ContentLinks } from './links.ts';
import { assertVisible, canArchive, canDeletePermanently, canModify, canRestore, resolveOwner } from './policy.ts';
import {
  AlreadyExistsError,
  VersionConflictError,
  type EventPublisher,
  type FileIndex,
  type FileStore,
  type ListPlan,
  type ListSource,
  type DomainEvent,
  type FileRequestGate,
  type ObjectHandle,
} from './ports.ts';
import { publishAfterCommit, reportToStderr, type ErrorReporter } from './publishing.ts';
import type { Category, EntityRef, FileResource, ListQuery, PatchFileBody, RecordType } from './schemas.ts';
import type { Sealer } from './sealing.ts';
import { ImageUnreadableError, isImageMime, thumbnailFormat, type ImageProcessor, type ThumbnailFormat } from './images.ts';
import { thumbnailKey, type Thumbnailer } from './thumbnails.ts';
import { EXPIRY_TAG, expiryTagValue } from './expiry.ts';

export interface NewFile {
  name: string;
  bytes: Uint8Array;
  /** Type detected from the bytes and already checked (shared/domain/upload.ts). */
  mimeType: string;
  description?: string | null;
  category?: Category;
  recordType?: RecordType | null;
}

export interface UploadOptions {
  ownerId?: string;
  entity?: EntityRef;
  fileRequestId?: string;
  expiryInterval?: number;
  category?: Category;
  recordType?: RecordType | null;
  description?: string | null;
}

export type ContentResult =
  | {
      kind: 'inline';
      file: FileRecord;
      bytes: Uint8Array;
      contentType: string;
      disposition: string;
      /** Set for thumbnails: whether it came from the cache. */
      cache?: 'hit' | 'miss';
      /** Set for thumbnails: the requested box and format, for the ETag. */
      variant?: string;
    }
  | { kind: 'redirect'; file: FileRecord; url: string };

export interface ContentOptions {
  download: boolean;
  /** A thumbnail of at most this box (aspect fill, never upscaled); ignored for non-images. */
  thumbnail?: { width: number; height: number; format: ThumbnailFormat | undefined };
}

export interface FilesServiceDeps {
  store: FileStore;
  index: FileIndex;
  events: EventPublisher;
  images: ImageProcessor;
  thumbnails: Thumbnailer;
  fileRequests: FileRequestGate;
  links: ContentLinks;
  sealer: Sealer;
  inlineResponseMaxBytes: number;
  redirectTtlSeconds: number;
  now?: () => Date;
  /** Where failures that must not fail the request are reported (ids and types only). Default: stderr. */
  reportError?: ErrorReporter;
}


/** The Content-Type a file is served with, by the route and by storage redirects alike. */
export const servedContentType = (mimeType: string) =>
  mimeType.startsWith('text/') ? `${mimeType}; charset=utf-8` : mimeType;

/** How long a PUT waits for a concurrent upload of the same id before answering 409. */
const PUT_WAIT_MS = 3000;
const PUT_POLL_MS = 50;

/** How long a client-chosen id stays reserved by an upload that never finished. */
const CLAIM_TTL_SECONDS = 3600;

/** The name travels in the stored object's headers so a storage redirect can serve it; ASCII fallback for old clients. */
export function dispositionFor(name: string, type: 'inline' | 'attachment'): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  return contentDisposition(name, { type, fallback });
}

const MAX_WRITE_ATTEMPTS = 3;

export class FilesService {
  readonly #d: FilesServiceDeps;
  readonly #now: () => Date;

  constructor(deps: FilesServiceDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  /** All or nothing: every file is stored, or none is. `id` is a client-chosen id (one file only). */
  async createFiles(caller: Caller, files: NewFile[], options: UploadOptions, id?: string): Promise<FileRecord[]> {
    const ownerId = resolveOwner(caller, options.ownerId);
    const requestId = options.fileRequestId?.toLowerCase();
    if (requestId !== undefined) await this.#d.fileRequests.assertOpenFor(caller.tenantId, requestId, ownerId);
    const now = this.#now();
    const createdAt = now.toISOString();
    const expiresAt =
      options.expiryInterval !== undefined ? new Date(now.getTime() + options.expiryInterval * 1000).toISOString() : null;
    // Displayed dimensions from the image header (never a decode); null for non-images and unreadable headers.
    const infos = await Promise.all(
      files.map((file) => (isImageMime(file.mimeType) ? this.#d.images.readInfo(file.bytes) : Promise.resolve(null))),
    );
    const records = files.map((file, i): FileRecord => {
      const fileId = id ?? uuidv7();
      return {
        id: fileId,
        tenantId: caller.tenantId,
        ownerId,
        createdBy: { id: caller.sub, role: caller.role },
        originalName: file.name,
        extension: extensionOf(file.name),
        mimeType: file.mimeType,
        size: file.bytes.length,
        sha256: createHash('sha256').update(file.bytes).digest('hex'),
        description: file.description !== undefined ? file.description : (options.description ?? null),
        category: file.category ?? options.category ?? 'user_document',
        recordType: file.recordType !== undefined ? file.recordType : (options.recordType ?? null),
        entity: options.entity ?? null,
        fileRequestId: requestId ?? null,
        state: 'active',
        imageWidth: infos[i]?.width ?? null,
        imageHeight: infos[i]?.height ?? null,
        sharedWith: [],
        expiresAt,
        createdAt,
        updatedAt: createdAt,
        version: 1,
      };
    });

    await this.#writeAll(records, files, id !== undefined);
    let fileCount: number | undefined;
    if (requestId !== undefined) {
      try {
        ({ fileCount } = await this.#d.fileRequests.addFiles(caller.tenantId, requestId, ownerId, records.map((r) => r.id)));
      } catch (error) {
        // The request closed while the bytes were written: the upload is refused whole.
        await this.#cleanUp(records, records);
        throw error;
      }
    }
    await this.#publish([
      ...records.map((r) => ({ type: 'file.created', tenantId: r.tenantId, data: fileEventData(r) })),
      ...(requestId !== undefined
        ? [{
            type: 'file-request.files.updated',
            tenantId: caller.tenantId,
            data: { fileRequestId: requestId, ownerId, fileIds: records.map((r) => r.id), fileCount },
          }]
        : []),
    ]);
    return records;
  }

  /**
   * `PUT /v1/files/{id}/content`: create with a client-chosen id, safe to retry. The same bytes again give the
   * existing file (`created: false`); different bytes are 409.
   */
  async putFileContent(
    caller: Caller,
    id: string,
    file: NewFile,
    options: UploadOptions,
  ): Promise<{ file: FileRecord; created: boolean }> {
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    const existing = await this.#live(caller.tenantId, id);
    if (existing) return { file: this.#sameBytesOrConflict(caller, existing, sha256, file.bytes.length), created: false };
    try {
      const [created] = await this.createFiles(caller, [file], options, id);
      return { file: created!, created: true };
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
      // The id belonged to a file that has expired but is not removed yet: nothing to wait for.
      const held = await this.#d.index.get(caller.tenantId, id);
      if (held && isExpired(held, this.#now())) throw new ConflictError('This file id is not available yet; try again later');
      // Another upload holds the id (a retry sent twice, most likely): answer as if it had come first, once
      // it has finished; 409 only if it does not finish in time.
      const winner = await this.#awaitUpload(caller.tenantId, id);
      if (!winner) throw new ConflictError('This file id is in use by another upload; try again');
      return { file: this.#sameBytesOrConflict(caller, winner, sha256, file.bytes.length), created: false };
    }
  }

  /** Waits briefly for a concurrent upload of `id` to finish. */
  async #awaitUpload(tenantId: string, id: string): Promise<FileRecord | null> {
    for (let waited = 0; waited < PUT_WAIT_MS; waited += PUT_POLL_MS) {
      const file = await this.#live(tenantId, id);
      if (file) return file;
      await new Promise((r) => setTimeout(r, PUT_POLL_MS));
    }
    return this.#live(tenantId, id);
  }

  async getFile(caller: Caller, id: string): Promise<FileRecord> {
    return this.#visible(caller, id);
  }

  /** The file with a fresh signed content link (none for archived files). */
  async getFileWithLink(caller: Caller, id: string, origin: string) {
    const file = await this.#visible(caller, id);
    const link = file.state === 'active' ? this.#d.links.issue(caller, id, origin, this.#now()) : undefined;
    return { file, link };
  }

  async getContent(caller: Caller, id: string, options: ContentOptions): Promise<ContentResult> {
    if (options.thumbnail) {
      const thumbnail = await this.#thumbnail(caller, id, options.thumbnail, options.download);
      if (thumbnail) return thumbnail;
    }
    // Bytes and metadata are read at the same time; the bytes are dropped unread unless the caller may have them.
    const opening = this.#d.store.open(contentKey(caller.tenantId, id));
    let used = false;
    try {
      const file = await this.#visible(caller, id);
      if (file.state !== 'active') throw new NotFoundError('File not found');
      if (file.size > this.#d.inlineResponseMaxBytes) {
        // The stored object carries `attachment` with the name; inline viewing overrides only the type word,
        // so no name ever appears in the URL.
        const url = await this.#d.store.presignGet(
          contentKey(file.tenantId, file.id),
          this.#d.redirectTtlSeconds,
          options.download ? undefined : 'inline',
        );
        return { kind: 'redirect', file, url };
      }
      const handle = await opening;
      if (!handle) throw new InternalError('stored object is missing');
      used = true;
      return {
        kind: 'inline',
        file,
        bytes: await handle.read(),
        contentType: servedContentType(file.mimeType),
        disposition: dispositionFor(file.originalName, options.download ? 'attachment' : 'inline'),
      };
    } finally {
      if (!used) void opening.then((h) => h?.abort(), () => undefined);
    }
  }

  /**
   * A cached thumbnail, or a fresh one from the thumbnailer (which caches it); `null` for a non-image (which
   * gets its original bytes). The cache entry is opened while the metadata is read, and dropped unread if the
   * caller may not have it.
   */
  async #thumbnail(
    caller: Caller,
    id: string,
    box: NonNullable<ContentOptions['thumbnail']>,
    download: boolean,
  ): Promise<ContentResult | null> {
    const entry = { tenantId: caller.tenantId, fileId: id, width: box.width, height: box.height, variant: box.format ?? 'auto' } as const;
    const key = thumbnailKey(entry);
    const opening = this.#d.store.open(key);
    let used = false;
    try {
      const file = await this.#visible(caller, id);
      if (file.state !== 'active') throw new NotFoundError('File not found');
      if (!isImageMime(file.mimeType)) return null;
      const format = thumbnailFormat(file.mimeType, box.format);
      const base = file.originalName.replace(/\.[^.]*$/, '') || 'image';
      const common = {
        kind: 'inline' as const,
        file,
        contentType: `image/${format}`,
        disposition: dispositionFor(`${base}.${format === 'jpeg' ? 'jpg' : format}`, download ? 'attachment' : 'inline'),
        variant: `${box.width}x${box.height}.${entry.variant}`,
      };
      // Thumbnails too large for an inline response (a 4096x4096 PNG can be) go by storage redirect, like files.
      const redirect = async (): Promise<ContentResult> => ({
        kind: 'redirect',
        file,
        url: await this.#d.store.presignGet(key, this.#d.redirectTtlSeconds),
      });
      const cached = await opening;
      if (cached) {
        if (cached.size > this.#d.inlineResponseMaxBytes) return redirect();
        used = true;
        return { ...common, bytes: await cached.read(), cache: 'hit' };
      }
      const made = await this.#d.thumbnails.make({ ...entry, format, tags: expiryTags(file) });
      if (made.status === 'unreadable') throw new ImageUnreadableError(made.message);
      if (made.size > this.#d.inlineResponseMaxBytes) return redirect();
      let bytes = made.bytes;
      if (!bytes) {
        const stored = await this.#d.store.open(key);
        if (!stored) throw new InternalError('thumbnail missing after it was made');
        bytes = await stored.read();
      }
      return { ...common, bytes, contentType: made.contentType, cache: 'miss' };
    } finally {
      if (!used) void opening.then((h) => h?.abort(), () => undefined);
    }
  }

  async updateFile(caller: Caller, id: string, patch: PatchFileBody, ifMatch?: string): Promise<FileRecord> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.#visible(caller, id);
      if (!canModify(caller, current)) throw new ForbiddenError('You may not change this file');
      if (ifMatch !== undefined && !etagMatches(ifMatch, current)) throw new PreconditionFailedError();

      const next: FileRecord = {
        ...current,
        description: patch.description !== undefined ? patch.description : current.description,
        originalName: patch.originalName ?? current.originalName,
        extension: patch.originalName !== undefined ? extensionOf(patch.originalName) : current.extension,
        category: patch.category ?? current.category,
        recordType: patch.recordType !== undefined ? patch.recordType : current.recordType,
        entity: patch.entity !== undefined ? patch.entity : current.entity,
        sharedWith: patch.sharedWith ?? current.sharedWith,
        version: current.version + 1,
        updatedAt: this.#now().toISOString(),
      };
      const renamed = next.originalName !== current.originalName;
      // The stored object's Content-Disposition (served by storage redirects) gets the new name first, by a
      // server-side copy onto itself: if that fails nothing has changed and a retry starts over. If the
      // metadata write then fails, the object is given back the name the metadata holds.
      if (renamed) await this.#storeName(next, next.originalName);
      try {
        await this.#d.index.replace(next, current.version);
      } catch (error) {
        if (renamed) await this.#syncStoredName(next).catch(() => undefined);
        if (!(error instanceof VersionConflictError)) throw error;
        if (ifMatch !== undefined) throw new PreconditionFailedError();
        if (attempt >= MAX_WRITE_ATTEMPTS) throw new ConflictError('The file is being changed by another request; try again');
        continue;
      }
      // A concurrent rename may have copied its name after ours: converge on what the metadata says.
      if (renamed) await this.#syncStoredName(next);
      if (renamed || patch.sharedWith !== undefined) await this.#syncShares(next, current.sharedWith);
      await this.#publish([{ type: 'file.updated', tenantId: next.tenantId, data: fileEventData(next) }]);
      return next;
    }
  }

  /**
   * Share markers follow a committed change; the record is the truth (listing re-checks `sharedWith`), so a
   * marker write that keeps failing is reported rather than turning the saved change into an error.
   */
  async #syncShares(file: FileRecord, previouslySharedWith: readonly string[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#d.index.syncShares(file, previouslySharedWith);
        return;
      } catch (error) {
        if (attempt >= MAX_WRITE_ATTEMPTS) {
          (this.#d.reportError ?? reportToStderr)('share markers not written', error, { fileId: file.id });
          return;
        }
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  }

  async #storeName(file: FileRecord, name: string): Promise<void> {
    const key = contentKey(file.tenantId, file.id);
    await this.#d.store.copy(key, key, {
      contentType: servedContentType(file.mimeType),
      contentDisposition: dispositionFor(name, 'attachment'),
    });
  }

  /** Makes the stored name follow the metadata's, redoing the copy while concurrent renames land. */
  async #syncStoredName(file: FileRecord): Promise<void> {
    let copied = file.originalName;
    for (let i = 0; i < MAX_WRITE_ATTEMPTS; i++) {
      const latest = await this.#d.index.get(file.tenantId, file.id);
      if (!latest || latest.originalName === copied) return;
      copied = latest.originalName;
      await this.#storeName(latest, copied);
    }
  }

  /** Soft delete. Archiving an archived file is a no-op. */
  async archiveFile(caller: Caller, id: string): Promise<void> {
    await this.#setState(caller, id, 'archived');
  }

  async restoreFile(caller: Caller, id: string): Promise<FileRecord> {
    return this.#setState(caller, id, 'active');
  }

  /** Bytes, derived objects and metadata removed (admin). Storage first, so a failure can be retried. */
  async deleteFilePermanently(caller: Caller, id: string): Promise<void> {
    const file = await this.#visible(caller, id);
    if (!canDeletePermanently(caller)) throw new ForbiddenError('Only admins delete files permanently');
    await this.#d.store.deletePrefix(fileKeyPrefix(file.tenantId, file.id));
    await this.#d.index.remove(file.tenantId, file.id);
    await this.#publish([{ type: 'file.deleted', tenantId: file.tenantId, data: { fileId: file.id, ownerId: file.ownerId } }]);
  }

  async listFiles(caller: Caller, query: ListQuery): Promise<{ files: FileResource[]; nextCursor: string | null }> {
    const fingerprint = listFingerprint(caller, query);
    let after: string | undefined;
    if (query.cursor !== undefined) {
      const opened = this.#d.sealer.open('list-cursor', query.cursor, fingerprint) as { a?: unknown } | undefined;
      if (!opened || typeof opened.a !== 'string') {
        throw new ValidationError([{ path: 'cursor', message: 'is not a cursor of this query' }]);
      }
      after = opened.a;
    }
    const page = await this.#d.index.list({ ...listPlan(caller, query), after, now: this.#now().toISOString() });
    return {
      files: page.files.map((f) => toFileResource(f, caller)),
      nextCursor: page.nextAfter === null ? null : this.#d.sealer.seal('list-cursor', { a: page.nextAfter }, fingerprint),
    };
  }

  async #setState(caller: Caller, id: string, state: 'active' | 'archived'): Promise<FileRecord> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.#visible(caller, id);
      if (state === 'archived' && !canArchive(caller, { ...current, state: 'active' })) {
        throw new ForbiddenError('You may not archive this file');
      }
      if (state === 'active' && !canRestore(caller)) throw new ForbiddenError('Your role may not restore files');
      if (current.state === state) return current;
      const next: FileRecord = { ...current, state, version: current.version + 1, updatedAt: this.#now().toISOString() };
      try {
        await this.#d.index.replace(next, current.version);
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt >= MAX_WRITE_ATTEMPTS) throw error;
        continue;
      }
      const type = state === 'archived' ? 'file.archived' : 'file.restored';
      await this.#publish([{ type, tenantId: next.tenantId, data: fileEventData(next) }]);
      return next;
    }
  }

  /**
   * Bytes first, then metadata; a failure removes what this upload wrote. A client-chosen id is claimed in
   * the index before its bytes are written, so a concurrent upload of the same id never touches them.
   */
  async #writeAll(records: FileRecord[], files: NewFile[], clientChosenId: boolean): Promise<void> {
    const { store, index } = this.#d;
    if (clientChosenId) {
      const { tenantId, id } = records[0]!;
      await index.claim(tenantId, id, CLAIM_TTL_SECONDS);
      // The id may have held an expired file whose leftovers (e.g. cached thumbnails) are not swept yet.
      await store.deletePrefix(fileKeyPrefix(tenantId, id));
    }
    const puts = await Promise.allSettled(
      records.map((r, i) =>
        store.put(contentKey(r.tenantId, r.id), files[i]!.bytes, {
          contentType: servedContentType(r.mimeType),
          contentDisposition: dispositionFor(r.originalName, 'attachment'),
          sha256: r.sha256,
          tags: expiryTags(r),
        }),
      ),
    );
    if (puts.some((p) => p.status === 'rejected')) {
      await this.#cleanUp(records, clientChosenId ? records : []);
      throw firstFailure(puts);
    }
    const creates = await Promise.allSettled(records.map((r) => (clientChosenId ? index.replace(r, 0) : index.create(r))));
    if (creates.some((c) => c.status === 'rejected')) {
      await this.#cleanUp(records, records.filter((_, i) => clientChosenId || creates[i]!.status === 'fulfilled'));
      throw firstFailure(creates);
    }
  }

  /** Undo a partial upload: the records it wrote and all of its objects. */
  async #cleanUp(records: FileRecord[], indexed: FileRecord[]): Promise<void> {
    await Promise.allSettled([
      ...indexed.map((r) => this.#d.index.remove(r.tenantId, r.id)),
      ...records.map((r) => this.#d.store.delete(contentKey(r.tenantId, r.id))),
    ]);
  }

  /** Same bytes: the existing file (200). Different bytes: 409. A file the caller may not see: 404. */
  #sameBytesOrConflict(caller: Caller, existing: FileRecord, sha256: string, size: number): FileRecord {
    assertVisible(caller, existing);
    if (existing.sha256 === sha256 && existing.size === size) return existing;
    throw new ConflictError('This file id already holds different content');
  }

  #publish(events: DomainEvent[]): Promise<void> {
    return publishAfterCommit(this.#d.events, events, this.#d.reportError);
  }


  /** The record if it exists and has not expired. */
  async #live(tenantId: string, id: string): Promise<FileRecord | null> {
    const file = await this.#d.index.get(tenantId, id);
    return file && !isExpired(file, this.#now()) ? file : null;
  }

  async #visible(caller: Caller, id: string): Promise<FileRecord> {
    const file = await this.#live(caller.tenantId, id);
    assertVisible(caller, file);
    return file as FileRecord;
  }
}

function firstFailure(results: PromiseSettledResult<unknown>[]): unknown {
  return results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason;
}

/** The lifecycle backstop's tag for files with a lifetime. */
export function expiryTags(file: Pick<FileRecord, 'expiresAt' | 'createdAt'>): Record<string, string> | undefined {
  if (!file.expiresAt) return undefined;
  const seconds = (Date.parse(file.expiresAt) - Date.parse(file.createdAt)) / 1000;
  return { [EXPIRY_TAG]: expiryTagValue(seconds) };
}

/** Event data: ids and non-personal fields only (never names or descriptions). */
export function fileEventData(file: FileRecord): Record<string, unknown> {
  return {
    fileId: file.id,
    ownerId: file.ownerId,
    state: file.state,
    mimeType: file.mimeType,
    size: file.size,
    category: file.category,
    fileRequestId: file.fileRequestId,
  };
}

function etagMatches(ifMatch: string, file: FileRecord): boolean {
  const current = etagOf(file);
  return ifMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === current);
}

/** A cursor only continues the query that made it (same caller, filters and order). */
function listFingerprint(caller: Caller, q: ListQuery): string {
  const { cursor: _cursor, limit: _limit, ...rest } = q;
  return createHash('sha256')
    .update(JSON.stringify([caller.tenantId, caller.sub, caller.role, Object.entries(rest).sort()]))
    .digest('base64url');
}

/** Chooses the index partitions to read: one index Query per partition, the rest are filters. */
export function listPlan(caller: Caller, q: ListQuery): Omit<ListPlan, 'after' | 'now'> {
  const states = q.state === 'all' ? (['active', 'archived'] as const) : ([q.state] as const);
  const entity = q.entityType !== undefined && q.entityId !== undefined ? { type: q.entityType, id: q.entityId } : undefined;
  const filters = {
    states: [...states],
    ownerId: q.ownerId,
    entity,
    category: q.category,
    recordType: q.recordType,
    fileRequestId: q.fileRequestId,
  };
  const base = { tenantId: caller.tenantId, sort: q.sort, order: q.order, limit: q.limit } as const;
  if (caller.role === 'patient') {
    const sources: ListSource[] = [];
    if (q.ownerId === undefined || q.ownerId === caller.sub) {
      sources.push(...states.map((state): ListSource => ({ by: 'owner', value: caller.sub, state })));
    }
    if (q.includeShared) sources.push({ by: 'sharedWith', value: caller.sub });
    return { ...base, sources, filters: { ...filters, visibleTo: caller.sub } };
  }
  const primary = (state: (typeof states)[number]): ListSource => {
    if (q.fileRequestId !== undefined) return { by: 'fileRequest', value: q.fileRequestId, state };
    if (entity) return { by: 'entity', value: entity, state };
    if (q.ownerId !== undefined) return { by: 'owner', value: q.ownerId, state };
    if (q.category !== undefined) return { by: 'category', value: q.category, state };
    if (q.recordType !== undefined) return { by: 'recordType', value: q.recordType, state };
    return { by: 'tenant', state };
  };
  return { ...base, sources: states.map(primary), filters };
}
