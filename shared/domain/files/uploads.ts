/**
 * Inline uploads (`POST /v1/files`, `PUT /v1/files/{id}/content`). All writes are ordered so that a failure leaves
 * nothing half done (no object without metadata, no metadata without an object): bytes first under a fresh key,
 * then a conditional metadata write; a failed metadata write removes the bytes.
 */
import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Auditor } from '../audit/auditor.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { contentKey, extensionOf, fileKeyPrefix, isExpired, type Caller, type FileRecord } from '../file.ts';
import { isImageMime, type ImageProcessor } from '../images.ts';
import { canSee, resolveOwner } from '../policy.ts';
import {
  AlreadyExistsError,
  type DomainEvent,
  type EventPublisher,
  type FileIndex,
  type FileRequestGate,
  type FileStore,
} from '../ports.ts';
import { publishAfterCommit, type ErrorReporter } from '../publishing.ts';
import type { Category, EntityRef, RecordType } from '../schemas.ts';
import { uploadEvents } from './file-events.ts';
import { liveFile, type Clock } from './lookup.ts';
import { dispositionFor, expiryTags, servedContentType } from './stored-object.ts';

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

export interface FileUploadsDeps extends Clock {
  store: FileStore;
  index: FileIndex;
  events: EventPublisher;
  images: ImageProcessor;
  fileRequests: FileRequestGate;
  /** Where failures that must not fail the request are reported (ids and types only). Default: nowhere. */
  reportError?: ErrorReporter;
  /** Each new file is recorded (`create`) before it is answered; unrecorded, the upload is removed. */
  auditor: Auditor;
}

/** How long a PUT waits for a concurrent upload of the same id before answering 409. */
const PUT_WAIT_MS = 3000;
const PUT_POLL_MS = 50;

/** How long a client-chosen id stays reserved by an upload that never finished. */
const CLAIM_TTL_SECONDS = 3600;

export class FileUploads {
  readonly #d: FileUploadsDeps;
  readonly #now: () => Date;

  constructor(deps: FileUploadsDeps) {
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
    await this.#d.auditor.recordOrUndo(
      caller,
      records.map((r) => ({ fileId: r.id, action: 'create' as const })),
      () => this.#cleanUp(records, records),
    );
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
    await this.#publish(uploadEvents(records, fileCount));
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
    if (existing) return { file: await this.#sameBytesOrConflict(caller, existing, sha256, file.bytes.length), created: false };
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
      return { file: await this.#sameBytesOrConflict(caller, winner, sha256, file.bytes.length), created: false };
    }
  }

  /**
   * The id holds a file already. Same bytes: that file (200), whose metadata the caller now reads (audited as a
   * read). Different bytes: 409. A file the caller may not see: 404, recorded as a denied create.
   */
  async #sameBytesOrConflict(caller: Caller, existing: FileRecord, sha256: string, size: number): Promise<FileRecord> {
    if (!canSee(caller, existing)) await this.#d.auditor.deny(caller, existing.id, ['create'], new NotFoundError('File not found'));
    if (existing.sha256 !== sha256 || existing.size !== size) throw new ConflictError('This file id already holds different content');
    await this.#d.auditor.record(caller, [{ fileId: existing.id, action: 'read' }]);
    return existing;
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

  #publish(events: DomainEvent[]): Promise<void> {
    return publishAfterCommit(this.#d.events, events, this.#d.reportError);
  }

  #live(tenantId: string, id: string): Promise<FileRecord | null> {
    return liveFile(this.#d.index, tenantId, id, this.#now());
  }
}

function firstFailure(results: PromiseSettledResult<unknown>[]): unknown {
  return results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason;
}
