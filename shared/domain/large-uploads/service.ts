/**
 * Large files, direct to storage (API.md, "Large files (direct to storage)"). `POST /v1/uploads` reserves a
 * fresh id and hands out presigned storage URLs; the client sends the bytes to storage itself (no 6 MB Lambda
 * payload limit); `POST /v1/uploads/{fileId}/complete` verifies what arrived (size, checksum, type sniffed from
 * the first bytes) and only then creates the File.
 *
 * Until completion the id holds a claim in the index (so `get` and `list` do not show it: 404 everywhere) and a
 * pending upload record with the declared metadata, both expiring after PENDING_TTL_SECONDS. A verification
 * failure deletes the object, the claim and the pending record. An upload never completed is removed by TTL
 * (`AbandonedUploads`).
 */
import { v7 as uuidv7 } from 'uuid';
import { detectContentType } from '../content-type.ts';
import { NotFoundError, UnsupportedMediaTypeError, ValidationError, type AppError } from '../errors.ts';
import { contentKey, extensionOf, type Caller, type FileRecord } from '../file.ts';
import { uploadEvents } from '../files/file-events.ts';
import { liveFile } from '../files/lookup.ts';
import { dispositionFor, expiryTags, servedContentType } from '../files/stored-object.ts';
import { isImageMime, type ImageProcessor } from '../images.ts';
import { assertVisible, resolveOwner } from '../policy.ts';
import {
  VersionConflictError,
  type EventPublisher,
  type FileIndex,
  type FileRequestGate,
  type FileStore,
} from '../ports.ts';
import { publishAfterCommit, type ErrorReporter } from '../publishing.ts';
import type { CompleteUploadBody, CreateUploadBody } from './bodies.ts';
import { checkedParts, PENDING_TTL_SECONDS, planParts, SNIFF_BYTES, UPLOAD_URL_TTL_SECONDS } from './limits.ts';
import type { PendingUpload, PendingUploadStore } from './pending-upload.ts';
import type { UploadTarget } from './upload-target.ts';

export interface LargeUploadsDeps {
  store: FileStore;
  index: FileIndex;
  pending: PendingUploadStore;
  events: EventPublisher;
  images: ImageProcessor;
  fileRequests: FileRequestGate;
  allowedTypes: ReadonlySet<string>;
  /** Defaults: SINGLE_PUT_MAX_BYTES and MIN_PART_SIZE (smaller values let tests exercise multipart quickly). */
  singlePutMaxBytes?: number;
  minPartSize?: number;
  now?: () => Date;
  reportError?: ErrorReporter;
}

/** Cuts a UTF-8 sequence split by the end of a ranged read, so a prefix of valid text still reads as text. */
function withoutSplitCharacter(bytes: Uint8Array): Uint8Array {
  let i = bytes.length - 1;
  let continuation = 0;
  while (i >= 0 && continuation < 3 && (bytes[i]! & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i < 0) return bytes;
  const lead = bytes[i]!;
  const needs = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  return needs > continuation ? bytes.subarray(0, i) : bytes;
}

export class LargeUploadsService {
  readonly #d: LargeUploadsDeps;
  readonly #now: () => Date;

  constructor(deps: LargeUploadsDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  /** `POST /v1/uploads`: reserves a fresh id and returns where to send the bytes. */
  async createUpload(caller: Caller, input: CreateUploadBody): Promise<UploadTarget> {
    const { store, index, pending } = this.#d;
    const ownerId = resolveOwner(caller, input.ownerId);
    const requestId = input.fileRequestId?.toLowerCase();
    if (requestId !== undefined) await this.#d.fileRequests.assertOpenFor(caller.tenantId, requestId, ownerId);

    const now = this.#now();
    const id = uuidv7();
    const key = contentKey(caller.tenantId, id);
    const headers = { contentType: servedContentType(input.mimeType), contentDisposition: dispositionFor(input.name, 'attachment') };
    const { multipart, partSize, partCount } = planParts(input.size, this.#d.singlePutMaxBytes, this.#d.minPartSize);
    const urlsExpireAt = new Date(now.getTime() + UPLOAD_URL_TTL_SECONDS * 1000).toISOString();

    await index.claim(caller.tenantId, id, PENDING_TTL_SECONDS);
    let uploadId: string | null = null;
    try {
      if (multipart) uploadId = await store.createMultipart(key, headers);
      await pending.put({
        tenantId: caller.tenantId,
        id,
        ownerId,
        createdBy: { id: caller.sub, role: caller.role },
        name: input.name,
        mimeType: input.mimeType,
        size: input.size,
        sha256: input.sha256 ?? null,
        description: input.description ?? null,
        category: input.category ?? 'user_document',
        recordType: input.recordType ?? null,
        entity: input.entity ?? null,
        fileRequestId: requestId ?? null,
        expiryInterval: input.expiryInterval ?? null,
        multipartUploadId: uploadId,
        partCount,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + PENDING_TTL_SECONDS * 1000).toISOString(),
      });
    } catch (error) {
      await Promise.allSettled([
        ...(uploadId !== null ? [store.abortMultipart(key, uploadId)] : []),
        pending.remove(caller.tenantId, id),
        index.remove(caller.tenantId, id),
      ]);
      throw error;
    }

    if (uploadId === null) {
      const put = await store.presignPut(key, UPLOAD_URL_TTL_SECONDS, { ...headers, sha256: input.sha256 });
      return { fileId: id, method: 'PUT', url: put.url, headers: put.headers, expiresAt: urlsExpireAt };
    }
    const parts = await Promise.all(
      Array.from({ length: partCount }, async (_, i) => ({
        partNumber: i + 1,
        url: await store.presignPart(key, uploadId!, i + 1, UPLOAD_URL_TTL_SECONDS),
      })),
    );
    return { fileId: id, partSize, parts, expiresAt: urlsExpireAt };
  }

  /**
   * `POST /v1/uploads/{fileId}/complete`: verifies the object and creates the File. Idempotent: once the File
   * exists, completing again returns it.
   */
  async completeUpload(caller: Caller, id: string, body: CompleteUploadBody): Promise<FileRecord> {
    const { store, index, pending: pendingStore } = this.#d;
    const pending = await pendingStore.get(caller.tenantId, id, this.#now());
    if (!pending) {
      const done = await this.#live(caller.tenantId, id);
      assertVisible(caller, done);
      return done as FileRecord;
    }
    // Only the uploader or the tenant's staff; to anyone else the pending id does not exist.
    if (caller.role === 'patient' && pending.createdBy.id !== caller.sub) throw new NotFoundError('File not found');
    const key = contentKey(pending.tenantId, pending.id);

    if (pending.multipartUploadId !== null) {
      const parts = checkedParts(body.parts, pending.partCount);
      if (!(await store.completeMultipart(key, pending.multipartUploadId, parts))) {
        return this.#reject(pending, new ValidationError([{ path: 'parts', message: 'storage refused these parts (unknown part or ETag, or a part too small)' }]));
      }
    } else if (body.parts !== undefined) {
      throw new ValidationError([{ path: 'parts', message: 'only for multipart uploads' }]);
    }

    const head = await store.head(key);
    if (!head) return this.#reject(pending, new ValidationError([{ path: 'fileId', message: 'no bytes were uploaded for this file' }]));

    // The type first (415 before 422), from the first bytes; a text prefix cut mid-character is still text.
    const first = await store.readRange(key, 0, SNIFF_BYTES - 1);
    const sniffed = head.size > first.length ? withoutSplitCharacter(first) : first;
    let mimeType: string;
    try {
      mimeType = (await detectContentType(sniffed, pending.mimeType, extensionOf(pending.name), this.#d.allowedTypes, 'mimeType')).mimeType;
    } catch (error) {
      if (error instanceof UnsupportedMediaTypeError) return this.#reject(pending, error);
      throw error;
    }
    if (head.size !== pending.size) {
      return this.#reject(pending, new ValidationError([{ path: 'size', message: `the uploaded object has ${head.size} bytes, not the declared ${pending.size}` }]));
    }
    // Storage reports a verified SHA-256 for a single PUT sent with the signed checksum; otherwise hash the object.
    const sha256 = head.sha256 ?? (await store.sha256Of(key));
    if (sha256 === null) return this.#reject(pending, new ValidationError([{ path: 'fileId', message: 'no bytes were uploaded for this file' }]));
    if (pending.sha256 !== null && sha256 !== pending.sha256) {
      return this.#reject(pending, new ValidationError([{ path: 'sha256', message: 'the uploaded bytes do not have this SHA-256' }]));
    }

    const info = isImageMime(mimeType) ? await this.#d.images.readInfo(first) : null;
    const now = this.#now();
    const createdAt = now.toISOString();
    const record: FileRecord = {
      id: pending.id,
      tenantId: pending.tenantId,
      ownerId: pending.ownerId,
      createdBy: pending.createdBy,
      originalName: pending.name,
      extension: extensionOf(pending.name),
      mimeType,
      size: head.size,
      sha256,
      description: pending.description,
      category: pending.category,
      recordType: pending.recordType,
      entity: pending.entity,
      fileRequestId: pending.fileRequestId,
      state: 'active',
      imageWidth: info?.width ?? null,
      imageHeight: info?.height ?? null,
      sharedWith: [],
      expiresAt: pending.expiryInterval !== null ? new Date(now.getTime() + pending.expiryInterval * 1000).toISOString() : null,
      createdAt,
      updatedAt: createdAt,
      version: 1,
    };
    // A type of the same family as the declared one (HEIC for HEIF, CSV for text): the object is served with it.
    if (mimeType !== pending.mimeType) {
      await store.copy(key, key, { contentType: servedContentType(mimeType), contentDisposition: dispositionFor(pending.name, 'attachment') });
    }
    const tags = expiryTags(record);
    if (tags) await store.setTags(key, tags);

    try {
      await index.replace(record, 0);
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      // A concurrent completion won (the claim is now a File), or the claim expired meanwhile.
      const done = await this.#live(caller.tenantId, id);
      assertVisible(caller, done);
      return done as FileRecord;
    }

    let fileCount: number | undefined;
    if (record.fileRequestId !== null) {
      try {
        ({ fileCount } = await this.#d.fileRequests.addFiles(record.tenantId, record.fileRequestId, record.ownerId, [record.id]));
      } catch (error) {
        // The request closed while the bytes were sent: the upload is refused whole.
        return this.#reject(pending, error);
      }
    }
    // Left behind, the pending record's TTL removal finds the File and leaves its object alone.
    await pendingStore.remove(record.tenantId, record.id).catch((error: unknown) =>
      (this.#d.reportError ?? (() => undefined))('pending upload removal failed', error, { fileId: record.id }),
    );
    await publishAfterCommit(this.#d.events, uploadEvents([record], fileCount), this.#d.reportError);
    return record;
  }

  /** A failed verification: the object, the pending record and the claim are removed, then `error` is thrown. */
  async #reject(pending: PendingUpload, error: unknown): Promise<never> {
    const { store, index, pending: pendingStore } = this.#d;
    const key = contentKey(pending.tenantId, pending.id);
    await Promise.allSettled([
      ...(pending.multipartUploadId !== null ? [store.abortMultipart(key, pending.multipartUploadId)] : []),
      store.delete(key),
    ]);
    await Promise.allSettled([pendingStore.remove(pending.tenantId, pending.id), index.remove(pending.tenantId, pending.id)]);
    throw error as AppError;
  }

  #live(tenantId: string, id: string): Promise<FileRecord | null> {
    return liveFile(this.#d.index, tenantId, id, this.#now());
  }
}
