/** Creating and changing file requests (`POST /v1/file-requests`, `PATCH /v1/file-requests/{id}`). */
import { v7 as uuidv7 } from 'uuid';
import { ConflictError, ForbiddenError, type FieldIssue } from '../errors.ts';
import type { Caller } from '../file.ts';
import { retryOnConflict } from '../optimistic-writes.ts';
import { AlreadyExistsError, type DomainEvent, type EventPublisher } from '../ports.ts';
import { publishAfterCommit, type ErrorReporter } from '../publishing.ts';
import { parseOrThrow } from '../validation.ts';
import { assertMayChange, canCreateFileRequest, visibleFileRequest } from './policy.ts';
import type { FileRequestStore } from './ports.ts';
import { fileRequestEventData, type FileRequestRecord } from './record.ts';
import { CreateFileRequestBody, DueAt, PatchFileRequestBody } from './schemas.ts';

export interface FileRequestChangesDeps {
  store: FileRequestStore;
  events: EventPublisher;
  now?: () => Date;
  /** Where failures that must not fail the request are reported (ids and types only). Default: nowhere. */
  reportError?: ErrorReporter;
}

export class FileRequestChanges {
  readonly #d: FileRequestChangesDeps;
  readonly #now: () => Date;

  constructor(deps: FileRequestChangesDeps) {
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

  /**
   * `PATCH /v1/file-requests/{id}`. Visibility comes first: a request the caller may not see is 404 whatever
   * the body says, as an id that never existed would be. Then the body (422), then the role rules (403).
   * Added files bump the version too, so a concurrent upload makes this re-read rather than drop its ids.
   */
  async updateFileRequest(caller: Caller, id: string, input: unknown): Promise<FileRequestRecord> {
    const first = await visibleFileRequest(this.#d.store, caller, id);
    const patch = parseOrThrow(PatchFileRequestBody, input);
    const { next, written } = await retryOnConflict(
      () => visibleFileRequest(this.#d.store, caller, id),
      async (current) => {
        assertMayChange(caller, current, patch);
        const status = patch.status ?? current.status;
        const message = patch.message ?? current.message;
        if (status === current.status && message === current.message) return { next: current, written: false };
        const next: FileRequestRecord = {
          ...current,
          status,
          message,
          version: current.version + 1,
          updatedAt: this.#now().toISOString(),
        };
        await this.#d.store.replace(next, current.version);
        return { next, written: true };
      },
      { current: first, onExhausted: () => new ConflictError('The file request is being changed by another request; try again') },
    );
    if (written) {
      await this.#publish([{ type: 'file-request.updated', tenantId: next.tenantId, data: fileRequestEventData(next) }]);
    }
    return next;
  }

  #publish(events: DomainEvent[]): Promise<void> {
    return publishAfterCommit(this.#d.events, events, this.#d.reportError);
  }
}

/** The `dueAt` issue the schema cannot see: a well-formed date-time that is not in the future. */
function pastDueAt(input: unknown, now: Date): FieldIssue[] {
  const raw = typeof input === 'object' && input !== null ? (input as { dueAt?: unknown }).dueAt : undefined;
  const parsed = DueAt.safeParse(raw);
  // Compared as instants: ISO strings of years past 9999 ('+010000-…') do not sort as times.
  return parsed.success && Date.parse(parsed.data) <= now.getTime() ? [{ path: 'dueAt', message: 'must be in the future' }] : [];
}
