/**
 * `POST /v1/uploads/{fileId}/complete` (API.md, "Large files (direct to storage)"): verifies what the client sent
 * to storage for an upload reserved by `UploadReservations` (size, checksum, type sniffed from the first bytes)
 * and only then creates the File. A verification failure deletes the object, the claim and the pending record.
 */
import type { Auditor } from '../audit/auditor.ts';
import { detectContentType, TextScan } from '../content-type.ts';
import { NotFoundError, UnsupportedMediaTypeError, ValidationError, type AppError } from '../errors.ts';
import { contentKey, extensionOf, type Caller, type FileRecord } from '../file.ts';
import { uploadEvents } from '../files/file-events.ts';
import { auditedFile, type Clock } from '../files/lookup.ts';
import { expiryTags } from '../files/stored-object.ts';
import { isImageMime, type ImageProcessor } from '../images.ts';
import { canUseUpload } from '../policy.ts';
import { VersionConflictError, type EventPublisher, type FileRequestGate } from '../ports.ts';
import { publishAfterCommit, reportNothing, type ErrorReporter } from '../publishing.ts';
import type { CompleteUploadBody } from './bodies.ts';
import { checkedParts, SNIFF_BYTES, TEXT_WINDOW_BYTES } from './limits.ts';
import type { PendingUpload } from './pending-upload.ts';
import { discardUpload, uploadObjectHeaders, type UnfinishedUploadPorts } from './unfinished-upload.ts';

export interface UploadCompletionsDeps extends UnfinishedUploadPorts, Clock {
  events: EventPublisher;
  /** Reads the dimensions of an image from its first bytes. */
  images: ImageProcessor;
  fileRequests: FileRequestGate;
  /** The types the sniffed bytes may be. */
  allowedTypes: ReadonlySet<string>;
  /** Where failures that must not fail the request are reported (ids and types only). Default: nowhere. */
  reportError?: ErrorReporter;
  /** The new File is recorded (`create`) before it is answered; unrecorded, the id goes back to its claim. */
  auditor: Auditor;
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

export class UploadCompletions {
  readonly #d: UploadCompletionsDeps;
  readonly #now: () => Date;
  readonly #report: ErrorReporter;

  constructor(deps: UploadCompletionsDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
    this.#report = deps.reportError ?? reportNothing;
  }

  /**
   * Verifies the object and creates the File. Idempotent: once the File exists, completing again returns it with
   * `created: false` (also to the loser of two concurrent completions), so only a new File is counted.
   */
  async completeUpload(caller: Caller, id: string, body: CompleteUploadBody): Promise<{ file: FileRecord; created: boolean }> {
    const { store, index, pending: pendingStore } = this.#d;
    const pending = await pendingStore.get(caller.tenantId, id, this.#now());
    if (!pending) return { file: await this.#existing(caller, id), created: false };
    // Only the uploader or an admin (or service) of its tenant; to anyone else the pending id does not exist.
    if (!canUseUpload(caller, pending)) throw new NotFoundError('File not found');
    const key = contentKey(pending.tenantId, pending.id);

    if (pending.multipartUploadId !== null) {
      const parts = checkedParts(body.parts, pending.partCount);
      // A completion that was refused after storage assembled the object (its audit record could not be written)
      // finds the multipart upload gone and the object in place: it goes on from there.
      if (!(await store.completeMultipart(key, pending.multipartUploadId, parts)) && (await store.head(key))?.size !== pending.size) {
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
    if (mimeType.startsWith('text/') && head.size > first.length && !(await this.#isPlainText(key, head.size, first))) {
      return this.#reject(pending, new UnsupportedMediaTypeError('The content could not be recognised or is not allowed', [
        { path: 'mimeType', message: 'The content could not be recognised or is not allowed' },
      ]));
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
    if (mimeType !== pending.mimeType) await store.copy(key, key, uploadObjectHeaders(mimeType, pending.name));
    const tags = expiryTags(record);
    if (tags) await store.setTags(key, tags);

    try {
      await index.replace(record, 0);
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      // A concurrent completion won (the claim is now a File), or the claim expired meanwhile.
      return { file: await this.#existing(caller, id), created: false };
    }
    // The bytes stay, under the id's claim again: completing once more can still make the File.
    await this.#d.auditor.recordOrUndo(caller, [{ fileId: record.id, action: 'create' }], async () => {
      await index.remove(record.tenantId, record.id);
      await index.claim(record.tenantId, record.id, Math.max(1, Math.ceil((Date.parse(pending.expiresAt) - now.getTime()) / 1000)));
    });

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
      this.#report('pending upload removal failed', error, { fileId: record.id }),
    );
    await publishAfterCommit(this.#d.events, uploadEvents([record], fileCount), this.#report);
    return { file: record, created: true };
  }

  /** The File an earlier completion made: its metadata is read (and audited as such). */
  async #existing(caller: Caller, id: string): Promise<FileRecord> {
    const file = await auditedFile(this.#d.index, this.#d.auditor, caller, id, ['read'], this.#now());
    await this.#d.auditor.record(caller, [{ fileId: file.id, action: 'read' }]);
    return file;
  }

  /** A failed verification: the object, the pending record and the claim are removed, then `error` is thrown. */
  /**
   * A text file is plain text all the way through, as an inline one is checked whole: markup after the first
   * window would still be markup to a browser. Read in windows (text uploads are bounded: MAX_TEXT_BYTES).
   */
  async #isPlainText(key: string, size: number, first: Uint8Array): Promise<boolean> {
    const scan = new TextScan();
    if (!scan.push(first, false)) return false;
    for (let at = first.length; at < size; at += TEXT_WINDOW_BYTES) {
      const end = Math.min(at + TEXT_WINDOW_BYTES, size);
      if (!scan.push(await this.#d.store.readRange(key, at, end - 1), end >= size)) return false;
    }
    return true;
  }

  async #reject(pending: PendingUpload, error: unknown): Promise<never> {
    await discardUpload(this.#d, pending);
    throw error as AppError;
  }
}
