/**
 * File requests (API.md, "File requests"): a provider asks a patient for files; the patient's uploads that
 * name the request are added to it. Schemas, the stored record, who may do what, the store port, and the
 * service, which is also the FileRequestGate that uploads go through.
 */
import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldIssue } from './errors.ts';
import type { Caller } from './file.ts';
import {
  AlreadyExistsError,
  VersionConflictError,
  type DomainEvent,
  type EventPublisher,
  type FileRequestGate,
} from './ports.ts';
import { publishAfterCommit, type ErrorReporter } from './publishing.ts';
import { CATEGORIES, Category, CreatedBy, EntityRef, PageCursor, PageLimit, Uuid, UserId, type Role } from './schemas.ts';
import type { Sealer } from './sealing.ts';
import { parseOrThrow } from './validation.ts';

// ---------------------------------------------------------------------------------------------------------
// Schemas

export const FILE_REQUEST_STATUSES = ['open', 'fulfilled', 'cancelled'] as const;
export const FileRequestStatus = z.enum(FILE_REQUEST_STATUSES);
export type FileRequestStatus = z.infer<typeof FileRequestStatus>;

/**
 * A file request may hold this many files. The request is one DynamoDB item (≤ 400 KB) that lists its file
 * ids; a thousand ids is about 40 KB, far from the limit, and far more than one request for photos needs.
 */
export const MAX_FILES_PER_FILE_REQUEST = 1000;

/** Control characters other than tab, line feed and carriage return; DEL; C1; Unicode line separators. */
const MESSAGE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;

export const FileRequestMessage = z
  .string({ message: 'must be a string' })
  .refine((v) => v.trim().length > 0, 'must not be empty')
  // Characters as people count them (code points), not UTF-16 units.
  .refine((v) => Array.from(v).length <= 2000, 'must be at most 2000 characters')
  .refine((v) => !MESSAGE_CONTROL.test(v), 'must not contain control characters other than newlines and tabs')
  .meta({
    description: 'What is asked of the patient, 1–2000 characters; newlines and tabs allowed. Never sent in events.',
    // Documented for the OpenAPI document; JSON Schema counts code points, as the refinement above does.
    minLength: 1,
    maxLength: 2000,
  });

/** Any ISO 8601 date-time with a zone; answered in UTC with milliseconds. */
export const DueAt = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-22T15:04:05.123Z' })
  .transform((v) => new Date(v).toISOString());

export const CreateFileRequestBody = z
  .object({
    ownerId: UserId.meta({ description: 'The patient asked for files.' }),
    message: FileRequestMessage,
    categories: z
      .array(Category)
      .max(CATEGORIES.length, `must hold at most ${CATEGORIES.length} categories`)
      .refine((v) => new Set(v).size === v.length, 'must not repeat a category')
      .default([])
      .meta({ description: 'Which file categories are asked for; empty means any.' }),
    entity: EntityRef.nullable().optional(),
    dueAt: DueAt.nullable()
      .optional()
      .meta({ description: 'When the files are wanted; must be in the future. Informational: uploads are not refused after it.' }),
  })
  .strict()
  .meta({ id: 'CreateFileRequestBody' });
export type CreateFileRequestBody = z.infer<typeof CreateFileRequestBody>;

export const PatchFileRequestBody = z
  .object({
    status: FileRequestStatus.optional().meta({
      description: 'Staff may set any status; the patient asked may only mark an open request `fulfilled`.',
    }),
    message: FileRequestMessage.optional().meta({ description: 'Staff only.' }),
  })
  .strict()
  .meta({ id: 'PatchFileRequestBody' });
export type PatchFileRequestBody = z.infer<typeof PatchFileRequestBody>;

export const ListFileRequestsQuery = z
  .object({
    ownerId: UserId.optional(),
    status: FileRequestStatus.optional(),
    limit: PageLimit,
    cursor: PageCursor,
  })
  .strict();
export type ListFileRequestsQuery = z.infer<typeof ListFileRequestsQuery>;

export const FileRequestResource = z
  .object({
    id: Uuid,
    tenantId: z.string(),
    ownerId: z.string(),
    requestedBy: CreatedBy,
    message: z.string(),
    categories: z.array(Category),
    entity: EntityRef.nullable(),
    dueAt: z.string().nullable(),
    status: FileRequestStatus,
    fileIds: z.array(z.string()).meta({ description: 'Files uploaded for this request, oldest first.' }),
    fileCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'FileRequest' });
export type FileRequestResource = z.infer<typeof FileRequestResource>;

export const FileRequestList = z
  .object({ fileRequests: z.array(FileRequestResource), nextCursor: z.string().nullable() })
  .meta({ id: 'FileRequestList' });

// ---------------------------------------------------------------------------------------------------------
// The record

export interface FileRequestRecord {
  id: string;
  tenantId: string;
  ownerId: string;
  requestedBy: { id: string; role: Role };
  message: string;
  categories: Category[];
  entity: EntityRef | null;
  dueAt: string | null;
  status: FileRequestStatus;
  fileIds: string[];
  fileCount: number;
  createdAt: string;
  updatedAt: string;
  /** Increments on every change (including added files); the condition of every replace. */
  version: number;
}

export function toFileRequestResource(record: FileRequestRecord): FileRequestResource {
  const { version: _version, ...resource } = record;
  return resource;
}

/** Event data: ids and non-personal fields only. The message is free text about a patient: never here. */
export function fileRequestEventData(record: FileRequestRecord): Record<string, unknown> {
  return {
    fileRequestId: record.id,
    ownerId: record.ownerId,
    status: record.status,
    fileCount: record.fileCount,
    dueAt: record.dueAt,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Policy. Invisible is 404 (existence does not leak); visible but not allowed is 403.

export function canCreateFileRequest(caller: Caller): boolean {
  return caller.role !== 'patient';
}

/** Staff see every request of their tenant; a patient only those addressed to it. */
export function canSeeFileRequest(caller: Caller, request: Pick<FileRequestRecord, 'ownerId'>): boolean {
  return caller.role !== 'patient' || request.ownerId === caller.sub;
}

/**
 * Staff may change the message and set any status. The patient asked may only mark an open request
 * fulfilled; asking for what already holds (an empty patch, or `fulfilled` again) changes nothing and is
 * allowed, so a retried PATCH gets the same answer. Throws 403 otherwise.
 */
export function assertMayChange(caller: Caller, current: FileRequestRecord, patch: PatchFileRequestBody): void {
  if (caller.role !== 'patient') return;
  if (patch.message !== undefined) throw new ForbiddenError('Patients may not change the message of a file request');
  if (patch.status === undefined) return;
  if (patch.status !== 'fulfilled') throw new ForbiddenError('Patients may only mark a file request fulfilled');
  if (current.status === 'fulfilled') return;
  if (current.status !== 'open') throw new ForbiddenError('Only an open file request can be marked fulfilled');
}

// ---------------------------------------------------------------------------------------------------------
// The store port

/** One list partition: the requests of one status, optionally of one owner. */
export interface FileRequestSource {
  status: FileRequestStatus;
  ownerId?: string;
}

export interface FileRequestListPlan {
  tenantId: string;
  /** Read and merged newest first; each request is in exactly one of them (its current status). */
  sources: FileRequestSource[];
  limit: number;
  /** Resume strictly after this sort position (from the previous page's cursor). */
  after?: string;
}

export interface FileRequestPage {
  fileRequests: FileRequestRecord[];
  /** The sort position to resume after, or null when there is nothing more. */
  nextAfter: string | null;
}

/** Where file requests are kept (DynamoDB: shared/adapters/dynamo-file-request-store.ts). */
export interface FileRequestStore {
  get(tenantId: string, id: string): Promise<FileRequestRecord | null>;
  /** Throws AlreadyExistsError when the id is taken in the tenant. */
  create(record: FileRequestRecord): Promise<void>;
  /** Replaces a record if its stored version is `expectedVersion`; else throws VersionConflictError. */
  replace(record: FileRequestRecord, expectedVersion: number): Promise<void>;
  /**
   * Appends file ids in one conditional write, only while the request is open, addressed to `ownerId` and
   * has room for them (`fileCount + fileIds.length <= maxFileCount`); bumps `fileCount`, `version` and
   * `updatedAt`. Returns the updated record, or null when the request is absent or a condition fails.
   */
  appendFiles(
    tenantId: string,
    id: string,
    ownerId: string,
    fileIds: readonly string[],
    options: { maxFileCount: number; updatedAt: string },
  ): Promise<FileRequestRecord | null>;
  /** One page, newest first (createdAt, then id), across the plan's sources. */
  list(plan: FileRequestListPlan): Promise<FileRequestPage>;
}

// ---------------------------------------------------------------------------------------------------------
// The service

export interface FileRequestsServiceDeps {
  store: FileRequestStore;
  events: EventPublisher;
  sealer: Sealer;
  now?: () => Date;
  /** Where failures that must not fail the request are reported (ids and types only). Default: stderr. */
  reportError?: ErrorReporter;
}

const MAX_WRITE_ATTEMPTS = 3;

const notOpen = () =>
  new ValidationError([{ path: 'fileRequestId', message: 'no open file request with this id for this owner' }]);


export class FileRequestsService implements FileRequestGate {
  readonly #d: FileRequestsServiceDeps;
  readonly #now: () => Date;

  constructor(deps: FileRequestsServiceDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  /**
   * `POST /v1/file-requests`. The role is checked before the body (a patient may never create one, whatever
   * it sends); the body is checked here rather than in the handler because `dueAt` must be in the future by
   * this service's clock, and a 422 lists that together with every other offending field.
   */
  async createFileRequest(caller: Caller, input: unknown): Promise<FileRequestRecord> {
    if (!canCreateFileRequest(caller)) throw new ForbiddenError('Patients may not create file requests');
    const now = this.#now();
    const body = parseOrThrow(CreateFileRequestBody, input, pastDueAt(input, now));
    const createdAt = now.toISOString();
    const record: FileRequestRecord = {
      id: uuidv7(),
      tenantId: caller.tenantId,
      ownerId: body.ownerId,
      requestedBy: { id: caller.sub, role: caller.role },
      message: body.message,
      categories: body.categories,
      entity: body.entity ?? null,
      dueAt: body.dueAt ?? null,
      status: 'open',
      fileIds: [],
      fileCount: 0,
      createdAt,
      updatedAt: createdAt,
      version: 1,
    };
    try {
      await this.#d.store.create(record);
    } catch (error) {
      // A fresh UUIDv7 colliding is not something a client can fix or retry into.
      if (error instanceof AlreadyExistsError) throw new ConflictError('The file request id is taken; try again');
      throw error;
    }
    await this.#publish([{ type: 'file-request.created', tenantId: record.tenantId, data: fileRequestEventData(record) }]);
    return record;
  }

  async getFileRequest(caller: Caller, id: string): Promise<FileRequestRecord> {
    return this.#visible(caller, id);
  }

  async listFileRequests(
    caller: Caller,
    query: ListFileRequestsQuery,
  ): Promise<{ fileRequests: FileRequestRecord[]; nextCursor: string | null }> {
    const fingerprint = listFingerprint(caller, query);
    let after: string | undefined;
    if (query.cursor !== undefined) {
      const opened = this.#d.sealer.open('list-cursor', query.cursor, fingerprint) as { a?: unknown } | undefined;
      if (!opened || typeof opened.a !== 'string') {
        throw new ValidationError([{ path: 'cursor', message: 'is not a cursor of this query' }]);
      }
      after = opened.a;
    }
    const page = await this.#d.store.list({ ...fileRequestListPlan(caller, query), after });
    return {
      fileRequests: page.fileRequests,
      nextCursor: page.nextAfter === null ? null : this.#d.sealer.seal('list-cursor', { a: page.nextAfter }, fingerprint),
    };
  }

  /**
   * `PATCH /v1/file-requests/{id}`. Visibility comes first: a request the caller may not see is 404 whatever
   * the body says, as an id that never existed would be. Then the body (422), then the role rules (403).
   * Added files bump the version too, so a concurrent upload makes this re-read rather than drop its ids.
   */
  async updateFileRequest(caller: Caller, id: string, input: unknown): Promise<FileRequestRecord> {
    let current = await this.#visible(caller, id);
    const patch = parseOrThrow(PatchFileRequestBody, input);
    for (let attempt = 1; ; attempt++) {
      assertMayChange(caller, current, patch);
      const status = patch.status ?? current.status;
      const message = patch.message ?? current.message;
      if (status === current.status && message === current.message) return current;
      const next: FileRequestRecord = {
        ...current,
        status,
        message,
        version: current.version + 1,
        updatedAt: this.#now().toISOString(),
      };
      try {
        await this.#d.store.replace(next, current.version);
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
        if (attempt >= MAX_WRITE_ATTEMPTS) throw new ConflictError('The file request is being changed by another request; try again');
        current = await this.#visible(caller, id);
        continue;
      }
      await this.#publish([{ type: 'file-request.updated', tenantId: next.tenantId, data: fileRequestEventData(next) }]);
      return next;
    }
  }

  // FileRequestGate -----------------------------------------------------------------------------------

  async assertOpenFor(tenantId: string, requestId: string, ownerId: string): Promise<void> {
    const request = await this.#d.store.get(tenantId, requestId.toLowerCase());
    if (!request || request.status !== 'open' || request.ownerId !== ownerId) throw notOpen();
    if (request.fileCount >= MAX_FILES_PER_FILE_REQUEST) throw full();
  }

  async addFiles(tenantId: string, requestId: string, ownerId: string, fileIds: readonly string[]): Promise<{ fileCount: number }> {
    const id = requestId.toLowerCase();
    const updated = await this.#d.store.appendFiles(tenantId, id, ownerId, fileIds, {
      maxFileCount: MAX_FILES_PER_FILE_REQUEST,
      updatedAt: this.#now().toISOString(),
    });
    if (updated) return { fileCount: updated.fileCount };
    // Say why, if it is only that the request is full; anything else is the one "not open" answer.
    const request = await this.#d.store.get(tenantId, id);
    if (request && request.status === 'open' && request.ownerId === ownerId) throw full();
    throw notOpen();
  }

  // ---------------------------------------------------------------------------------------------------

  async #visible(caller: Caller, id: string): Promise<FileRequestRecord> {
    const request = await this.#d.store.get(caller.tenantId, id);
    if (!request || !canSeeFileRequest(caller, request)) throw new NotFoundError('File request not found');
    return request;
  }

  #publish(events: DomainEvent[]): Promise<void> {
    return publishAfterCommit(this.#d.events, events, this.#d.reportError);
  }

}

const full = () =>
  new ValidationError([
    { path: 'fileRequestId', message: `the file request already holds the most files it may (${MAX_FILES_PER_FILE_REQUEST})` },
  ]);

/** The `dueAt` issue the schema cannot see: a well-formed date-time that is not in the future. */
function pastDueAt(input: unknown, now: Date): FieldIssue[] {
  const raw = typeof input === 'object' && input !== null ? (input as { dueAt?: unknown }).dueAt : undefined;
  const parsed = DueAt.safeParse(raw);
  // Compared as instants: ISO strings of years past 9999 ('+010000-…') do not sort as times.
  return parsed.success && Date.parse(parsed.data) <= now.getTime() ? [{ path: 'dueAt', message: 'must be in the future' }] : [];
}

/** A cursor only continues the query that made it (same caller and filters), and never a files cursor. */
function listFingerprint(caller: Caller, q: ListFileRequestsQuery): string {
  return createHash('sha256')
    .update(JSON.stringify(['file-requests', caller.tenantId, caller.sub, caller.role, q.ownerId ?? null, q.status ?? null]))
    .digest('base64url');
}

/**
 * The partitions to read: one per status asked for, of one owner when there is one. A patient reads only its
 * own; asking for another owner's gives an empty list (as for files), not an error that would say more.
 */
export function fileRequestListPlan(caller: Caller, q: ListFileRequestsQuery): Omit<FileRequestListPlan, 'after'> {
  const statuses = q.status !== undefined ? [q.status] : [...FILE_REQUEST_STATUSES];
  let ownerId = q.ownerId;
  if (caller.role === 'patient') {
    if (ownerId !== undefined && ownerId !== caller.sub) return { tenantId: caller.tenantId, sources: [], limit: q.limit };
    ownerId = caller.sub;
  }
  return {
    tenantId: caller.tenantId,
    sources: statuses.map((status) => (ownerId !== undefined ? { status, ownerId } : { status })),
    limit: q.limit,
  };
}
