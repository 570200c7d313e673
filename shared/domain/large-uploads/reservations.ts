/**
 * `POST /v1/uploads` (API.md, "Large files (direct to storage)"): reserves a fresh id and hands out presigned
 * storage URLs, so the client sends the bytes to storage itself (no 6 MB Lambda payload limit).
 *
 * Until completion (`UploadCompletions`) the id holds a claim in the index (so `get` and `list` do not show it:
 * 404 everywhere) and a pending upload record with the declared metadata, both expiring after
 * PENDING_TTL_SECONDS; an upload never completed is removed by TTL (`AbandonedUploads`). Reserving reads no
 * bytes and publishes nothing: it needs no event bus and no image processor.
 */
import { v7 as uuidv7 } from 'uuid';
import { contentKey, type Caller } from '../file.ts';
import type { Clock } from '../files/lookup.ts';
import { resolveOwner } from '../policy.ts';
import type { FileRequestGate } from '../ports.ts';
import type { CreateUploadBody } from './bodies.ts';
import { PENDING_TTL_SECONDS, planParts, UPLOAD_URL_TTL_SECONDS } from './limits.ts';
import { partTargets, singlePutTarget } from './target-urls.ts';
import type { UploadTarget } from './upload-target.ts';
import { discardUpload, uploadObjectHeaders, type UnfinishedUploadPorts } from './unfinished-upload.ts';

export interface UploadReservationsDeps extends UnfinishedUploadPorts, Clock {
  /** Only `assertOpenFor`: files are added to the request on completion. */
  fileRequests: FileRequestGate;
  /** Defaults: SINGLE_PUT_MAX_BYTES and MIN_PART_SIZE (smaller values let tests exercise multipart quickly). */
  singlePutMaxBytes?: number;
  minPartSize?: number;
}

export class UploadReservations {
  readonly #d: UploadReservationsDeps;
  readonly #now: () => Date;

  constructor(deps: UploadReservationsDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  /** Reserves a fresh id and returns where to send the bytes: one presigned PUT, or one URL per part. */
  async createUpload(caller: Caller, input: CreateUploadBody): Promise<UploadTarget> {
    const { store, index, pending } = this.#d;
    const ownerId = resolveOwner(caller, input.ownerId);
    const requestId = input.fileRequestId?.toLowerCase();
    if (requestId !== undefined) await this.#d.fileRequests.assertOpenFor(caller.tenantId, requestId, ownerId);

    const now = this.#now();
    const id = uuidv7();
    const key = contentKey(caller.tenantId, id);
    const headers = uploadObjectHeaders(input.mimeType, input.name);
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
      await discardUpload(this.#d, { tenantId: caller.tenantId, id, multipartUploadId: uploadId });
      throw error;
    }

    const upload = { tenantId: caller.tenantId, id, name: input.name, mimeType: input.mimeType, size: input.size, sha256: input.sha256 ?? null };
    if (uploadId === null) return singlePutTarget(store, upload, UPLOAD_URL_TTL_SECONDS, urlsExpireAt);
    const all = Array.from({ length: partCount }, (_, i) => i + 1);
    return partTargets(store, upload, uploadId, partSize, all, UPLOAD_URL_TTL_SECONDS, urlsExpireAt);
  }
}
