/**
 * Resuming a direct upload (API.md, "Large files", Resuming): what storage already holds
 * (`GET /v1/uploads/{fileId}`), fresh URLs for the parts still missing or the ones asked
 * (`POST /v1/uploads/{fileId}/renew`), and giving up (`DELETE /v1/uploads/{fileId}`). Only the user who started
 * the upload, or an admin (or service) of its tenant, sees it; to anyone else it does not exist (404).
 */
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { contentKey, type Caller } from '../file.ts';
import { liveFile, type Clock } from '../files/lookup.ts';
import type { StoredPart } from '../ports.ts';
import { canUseUpload } from '../policy.ts';
import { planParts, UPLOAD_URL_TTL_SECONDS } from './limits.ts';
import type { PendingUpload } from './pending-upload.ts';
import { partTargets, singlePutTarget } from './target-urls.ts';
import type { UploadTarget } from './upload-target.ts';
import { discardUpload, type UnfinishedUploadPorts } from './unfinished-upload.ts';

export interface UploadProgress {
  fileId: string;
  status: 'pending' | 'completed';
  size: number;
  /** Multipart uploads: every part but the last has this many bytes. */
  partSize?: number;
  /** What storage holds: the uploaded parts, or part 1 once a single PUT has arrived. */
  parts: StoredPart[];
  /** When the pending upload expires; null once completed. */
  expiresAt: string | null;
}

export interface UploadResumptionDeps extends UnfinishedUploadPorts, Clock {
  /** As given to UploadReservations (the part plan is made again from the declared size). */
  singlePutMaxBytes?: number;
  minPartSize?: number;
}

export class UploadResumption {
  readonly #d: UploadResumptionDeps;
  readonly #now: () => Date;

  constructor(deps: UploadResumptionDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  async status(caller: Caller, id: string): Promise<UploadProgress> {
    const pending = await this.#pending(caller, id);
    if (pending === 'completed') {
      const file = (await liveFile(this.#d.index, caller.tenantId, id, this.#now()))!;
      return { fileId: id, status: 'completed', size: file.size, parts: [], expiresAt: null };
    }
    const { multipart, partSize } = this.#plan(pending);
    return {
      fileId: id,
      status: 'pending',
      size: pending.size,
      ...(multipart ? { partSize } : {}),
      parts: await this.#stored(pending),
      expiresAt: pending.expiresAt,
    };
  }

  /** Fresh URLs: for `partNumbers`, or for every part storage does not hold yet. 409 once completed. */
  async renew(caller: Caller, id: string, partNumbers?: readonly number[]): Promise<UploadTarget> {
    const pending = await this.#pending(caller, id);
    if (pending === 'completed') throw new ConflictError('This upload is completed: the file exists');
    const { partSize, partCount } = this.#plan(pending);
    const outside = (partNumbers ?? []).flatMap((n, i) =>
      n < 1 || n > partCount ? [{ path: `partNumbers.${i}`, message: `must be a part of this upload: 1 to ${partCount}` }] : [],
    );
    if (outside.length > 0) throw new ValidationError(outside);
    const now = this.#now();
    // A URL never outlives the upload it is for.
    const ttl = Math.max(1, Math.min(UPLOAD_URL_TTL_SECONDS, Math.floor((Date.parse(pending.expiresAt) - now.getTime()) / 1000)));
    const expiresAt = new Date(now.getTime() + ttl * 1000).toISOString();
    if (pending.multipartUploadId === null) return singlePutTarget(this.#d.store, pending, ttl, expiresAt);
    const wanted = partNumbers
      ? [...new Set(partNumbers)].sort((a, b) => a - b)
      : await this.#missing(pending, partCount);
    return partTargets(this.#d.store, pending, pending.multipartUploadId, partSize, wanted, ttl, expiresAt);
  }

  /**
   * Aborts the upload: its id's claim first — only while it is still a claim, so an abort racing a completion
   * either wins (the completion then finds no claim and makes no File) or answers 409 (the File stands) — then its
   * parts or object and its pending record; 404 from then on.
   */
  async abort(caller: Caller, id: string): Promise<void> {
    const pending = await this.#pending(caller, id);
    const completed = () => new ConflictError('This upload is completed: delete the file instead');
    if (pending === 'completed' || !(await this.#d.index.releaseClaim(pending.tenantId, pending.id))) throw completed();
    await discardUpload(this.#d, pending);
  }

  /**
   * The caller's pending upload, or `completed` once it is a File (checked first: a completion removes the pending
   * record only after the File exists, and a failed removal leaves it for TTL); 404 to anyone else.
   */
  async #pending(caller: Caller, id: string): Promise<PendingUpload | 'completed'> {
    const now = this.#now();
    const file = await liveFile(this.#d.index, caller.tenantId, id, now);
    if (file) {
      if (canUseUpload(caller, file)) return 'completed';
      throw new NotFoundError('Upload not found');
    }
    const pending = await this.#d.pending.get(caller.tenantId, id, now);
    if (pending && canUseUpload(caller, pending)) return pending;
    throw new NotFoundError('Upload not found');
  }

  /** The parts storage does not hold yet. */
  async #missing(pending: PendingUpload, partCount: number): Promise<number[]> {
    const held = new Set((await this.#stored(pending)).map((p) => p.partNumber));
    return Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !held.has(n));
  }

  #plan(pending: PendingUpload) {
    return planParts(pending.size, this.#d.singlePutMaxBytes, this.#d.minPartSize);
  }

  /** What storage holds for the upload; 404 when storage no longer knows its multipart upload (aborted). */
  async #stored(pending: PendingUpload): Promise<StoredPart[]> {
    const key = contentKey(pending.tenantId, pending.id);
    if (pending.multipartUploadId === null) {
      const head = await this.#d.store.head(key);
      return head ? [{ partNumber: 1, size: head.size, etag: head.etag }] : [];
    }
    const parts = await this.#d.store.listParts(key, pending.multipartUploadId);
    if (parts === null) throw new NotFoundError('Upload not found');
    return parts;
  }
}
