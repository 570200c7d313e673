/**
 * File requests on an in-memory store: request validation (every offending field in one 422), the role
 * rules, list planning and cursors, PATCH with optimistic concurrency, the events (never the message), and
 * the FileRequestGate that uploads go through, alone and behind the file uploads.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type AppError } from '../../../shared/domain/errors.ts';
import type { Caller } from '../../../shared/domain/file.ts';
import { assertMayChange, canCreateFileRequest, canSeeFileRequest } from '../../../shared/domain/file-requests/policy.ts';
import { fileRequestListPlan } from '../../../shared/domain/file-requests/listing.ts';
import { toFileRequestResource, type FileRequestRecord } from '../../../shared/domain/file-requests/record.ts';
import { CreateFileRequestBody, MAX_FILES_PER_FILE_REQUEST, PatchFileRequestBody, type FileRequestStatus } from '../../../shared/domain/file-requests/schemas.ts';
import { ListFileRequestsQuery } from '../../../shared/http/formats/file-requests.ts';
import { fileRequestUseCases, type FileRequestUseCases } from '../../support/file-request-use-cases.ts';
import type { NewFile } from '../../../shared/domain/files/uploads.ts';
import { fileUseCases, type FileUseCases } from '../../support/file-use-cases.ts';
import { ContentLinks } from '../../../shared/domain/links.ts';
import { Sealer } from '../../../shared/domain/sealing.ts';
import {
  InMemoryFileIndex,
  InMemoryFileStore,
  NoImageProcessor,
  RecordingPublisher,
  UnusedThumbnailer,
} from '../../support/in-memory-ports.ts';
import { InMemoryFileRequestStore } from '../../support/in-memory-file-request-store.ts';

/** Keys of the in-memory store's records (tenant and id), for tests that reach into it. */
const keyOf = (tenantId: string, id: string) => `${tenantId}/${id}`;

const provider: Caller = { sub: 'provider-7', tenantId: 't1', role: 'provider', via: 'token' };
const admin: Caller = { sub: 'admin-1', tenantId: 't1', role: 'admin', via: 'token' };
const service: Caller = { sub: 'service-1', tenantId: 't1', role: 'service', via: 'token' };
const patient: Caller = { sub: 'patient-1', tenantId: 't1', role: 'patient', via: 'token' };
const otherPatient: Caller = { sub: 'patient-2', tenantId: 't1', role: 'patient', via: 'token' };
const otherTenantProvider: Caller = { sub: 'provider-7', tenantId: 't2', role: 'provider', via: 'token' };

const NOW = new Date('2026-11-22T15:04:05.123Z');
const LATER = '2026-12-01T09:00:00.000Z';

let clock: Date;
let store: InMemoryFileRequestStore;
let events: RecordingPublisher;
let sealer: Sealer;
let requests: FileRequestUseCases;

beforeEach(() => {
  clock = new Date(NOW);
  store = new InMemoryFileRequestStore();
  events = new RecordingPublisher();
  sealer = new Sealer('s'.repeat(48));
  requests = fileRequestUseCases({ store, events, sealer, now: () => clock });
});

/** Runs `fn` and returns what it threw (failing the test if it did not throw). */
async function thrown(fn: () => Promise<unknown>): Promise<AppError> {
  try {
    await fn();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected an error');
}

const paths = (error: AppError) => error.details.map((d) => d.path).sort();

/** Creates records with distinct createdAt instants (the clock moves one second per request). */
async function createMany(n: number, body: Record<string, unknown> = {}, as: Caller = provider): Promise<FileRequestRecord[]> {
  const made: FileRequestRecord[] = [];
  for (let i = 0; i < n; i++) {
    clock = new Date(clock.getTime() + 1000);
    made.push(await requests.createFileRequest(as, { ownerId: 'patient-1', message: `request ${i}`, ...body }));
  }
  return made;
}

describe('CreateFileRequestBody', () => {
  it('takes the minimal body and fills the defaults', () => {
    expect(CreateFileRequestBody.parse({ ownerId: 'patient-1', message: 'Photos of the rash, please' })).toEqual({
      ownerId: 'patient-1',
      message: 'Photos of the rash, please',
      categories: [],
    });
  });

  it('takes every field', () => {
    const body = CreateFileRequestBody.parse({
      ownerId: 'patient-1',
      message: 'Line one\nLine two\r\n\tindented',
      categories: ['imaging', 'lab_result'],
      entity: { type: 'visit', id: 'v-42' },
      dueAt: '2026-12-01T10:00:00+01:00',
    });
    expect(body).toEqual({
      ownerId: 'patient-1',
      message: 'Line one\nLine two\r\n\tindented',
      categories: ['imaging', 'lab_result'],
      entity: { type: 'visit', id: 'v-42' },
      // Normalised to UTC with milliseconds.
      dueAt: '2026-12-01T09:00:00.000Z',
    });
  });

  it('allows null entity and dueAt', () => {
    expect(CreateFileRequestBody.parse({ ownerId: 'p', message: 'm', entity: null, dueAt: null })).toMatchObject({ entity: null, dueAt: null });
  });

  it.each([
    ['an empty message', ''],
    ['a blank message', ' \n\t '],
    ['NUL', 'a\u0000b'],
    ['BEL', 'a\u0007b'],
    ['ESC', 'a\u001b[31mred'],
    ['vertical tab', 'a\u000bb'],
    ['DEL', 'a\u007fb'],
    ['a C1 control', 'a\u0085b'],
    ['a line separator', 'a\u2028b'],
    ['2001 characters', 'x'.repeat(2001)],
    ['a number', 42],
  ])('refuses %s as message', (_, message) => {
    const result = CreateFileRequestBody.safeParse({ ownerId: 'p', message });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toEqual(['message']);
  });

  it('counts characters, not UTF-16 units: 2000 emoji fit', () => {
    expect(CreateFileRequestBody.safeParse({ ownerId: 'p', message: '😀'.repeat(2000) }).success).toBe(true);
    expect(CreateFileRequestBody.safeParse({ ownerId: 'p', message: '😀'.repeat(2001) }).success).toBe(false);
  });

  it.each([
    ['an unknown category', ['photos']],
    ['a repeated category', ['imaging', 'imaging']],
    ['more categories than exist', ['imaging', 'lab_result', 'other', 'prescription', 'visit_note', 'user_avatar', 'user_consent', 'intake_attachment', 'user_document', 'imaging']],
    ['a string', 'imaging'],
  ])('refuses %s', (_, categories) => {
    const result = CreateFileRequestBody.safeParse({ ownerId: 'p', message: 'm', categories });
    expect(result.success).toBe(false);
    expect(result.error!.issues.every((i) => i.path[0] === 'categories')).toBe(true);
  });

  it.each([
    ['a date only', '2026-12-01'],
    ['no time zone', '2026-12-01T10:00:00'],
    ['not a date', 'next tuesday'],
    ['an impossible date', '2026-02-30T10:00:00Z'],
    ['a number', 1767000000000],
  ])('refuses %s as dueAt', (_, dueAt) => {
    const result = CreateFileRequestBody.safeParse({ ownerId: 'p', message: 'm', dueAt });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toEqual(['dueAt']);
  });

  it('refuses unknown fields, a missing owner and a bad entity', () => {
    const result = CreateFileRequestBody.safeParse({ message: 'm', entity: { type: 'Visit!', id: '' }, status: 'open' });
    expect(result.success).toBe(false);
    const issuePaths = result.error!.issues.map((i) => i.path.join('.'));
    expect(issuePaths).toEqual(expect.arrayContaining(['ownerId', 'entity.type', 'entity.id', '']));
  });
});

describe('PatchFileRequestBody and ListFileRequestsQuery', () => {
  it('takes status and message, each optional; nothing else', () => {
    expect(PatchFileRequestBody.parse({})).toEqual({});
    expect(PatchFileRequestBody.parse({ status: 'cancelled', message: 'never mind' })).toEqual({ status: 'cancelled', message: 'never mind' });
    expect(PatchFileRequestBody.safeParse({ status: 'closed' }).success).toBe(false);
    expect(PatchFileRequestBody.safeParse({ message: '' }).success).toBe(false);
    expect(PatchFileRequestBody.safeParse({ dueAt: LATER }).success).toBe(false);
    expect(PatchFileRequestBody.safeParse({ fileIds: [] }).success).toBe(false);
  });

  it('limit is 1–100, default 25; status is one of the three; unknown parameters are refused', () => {
    expect(ListFileRequestsQuery.parse({})).toEqual({ limit: 25 });
    expect(ListFileRequestsQuery.parse({ limit: '1', status: 'open', ownerId: 'p' })).toEqual({ limit: 1, status: 'open', ownerId: 'p' });
    expect(ListFileRequestsQuery.parse({ limit: '100' }).limit).toBe(100);
    for (const limit of ['0', '101', '-1', '1.5', 'ten', '', '0100']) {
      expect(ListFileRequestsQuery.safeParse({ limit }).success, limit).toBe(false);
    }
    expect(ListFileRequestsQuery.safeParse({ status: 'all' }).success).toBe(false);
    expect(ListFileRequestsQuery.safeParse({ state: 'open' }).success).toBe(false);
  });
});

describe('policy', () => {
  const record = (status: FileRequestStatus): FileRequestRecord => ({
    id: '0193a5c2-7b4e-7000-8000-000000000001',
    tenantId: 't1',
    ownerId: 'patient-1',
    requestedBy: { id: 'provider-7', role: 'provider' },
    message: 'm',
    categories: [],
    entity: null,
    dueAt: null,
    status,
    fileIds: [],
    fileCount: 0,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    version: 1,
  });

  it('staff create file requests; patients do not', () => {
    expect([provider, admin, service].map(canCreateFileRequest)).toEqual([true, true, true]);
    expect(canCreateFileRequest(patient)).toBe(false);
  });

  it('staff see every request; a patient only those addressed to it', () => {
    for (const caller of [provider, admin, service, patient]) expect(canSeeFileRequest(caller, { ownerId: 'patient-1' })).toBe(true);
    expect(canSeeFileRequest(otherPatient, { ownerId: 'patient-1' })).toBe(false);
  });

  it('staff may change message and set any status from any status', () => {
    for (const from of ['open', 'fulfilled', 'cancelled'] as const) {
      for (const to of ['open', 'fulfilled', 'cancelled'] as const) {
        for (const caller of [provider, admin, service]) {
          expect(() => assertMayChange(caller, record(from), { status: to, message: 'new' })).not.toThrow();
        }
      }
    }
  });

  it('the patient may mark an open request fulfilled, and nothing else', () => {
    expect(() => assertMayChange(patient, record('open'), { status: 'fulfilled' })).not.toThrow();
    const forbidden: [FileRequestStatus, Parameters<typeof assertMayChange>[2]][] = [
      ['open', { status: 'cancelled' }],
      ['open', { status: 'open' }],
      ['open', { message: 'changed' }],
      ['open', { status: 'fulfilled', message: 'done' }],
      ['cancelled', { status: 'fulfilled' }],
      ['fulfilled', { status: 'open' }],
      ['fulfilled', { status: 'cancelled' }],
    ];
    for (const [from, patch] of forbidden) {
      expect(() => assertMayChange(patient, record(from), patch), `${from} ${JSON.stringify(patch)}`).toThrow(ForbiddenError);
    }
  });

  it('asking a patient for what already holds (nothing, or fulfilled again) is allowed', () => {
    expect(() => assertMayChange(patient, record('open'), {})).not.toThrow();
    expect(() => assertMayChange(patient, record('fulfilled'), { status: 'fulfilled' })).not.toThrow();
  });
});

describe('createFileRequest', () => {
  it('stores an open request by the caller and answers the resource', async () => {
    const created = await requests.createFileRequest(provider, {
      ownerId: 'patient-1',
      message: 'Photos of the rash, please',
      categories: ['imaging'],
      entity: { type: 'visit', id: 'v-42' },
      dueAt: LATER,
    });
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(toFileRequestResource(created)).toEqual({
      id: created.id,
      tenantId: 't1',
      ownerId: 'patient-1',
      requestedBy: { id: 'provider-7', role: 'provider' },
      message: 'Photos of the rash, please',
      categories: ['imaging'],
      entity: { type: 'visit', id: 'v-42' },
      dueAt: LATER,
      status: 'open',
      fileIds: [],
      fileCount: 0,
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
    expect(await store.get('t1', created.id)).toEqual({ ...created, version: 1 });
  });

  it('fills categories, entity and dueAt when absent', async () => {
    const created = await requests.createFileRequest(admin, { ownerId: 'patient-1', message: 'anything' });
    expect(created).toMatchObject({ categories: [], entity: null, dueAt: null, requestedBy: { id: 'admin-1', role: 'admin' } });
  });

  it('publishes file-request.created with ids and non-personal fields only, never the message', async () => {
    const created = await requests.createFileRequest(service, { ownerId: 'patient-1', message: 'Secret symptoms', dueAt: LATER });
    expect(events.events).toEqual([
      {
        type: 'file-request.created',
        tenantId: 't1',
        data: { fileRequestId: created.id, ownerId: 'patient-1', status: 'open', fileCount: 0, dueAt: LATER },
      },
    ]);
    expect(JSON.stringify(events.events)).not.toContain('Secret');
  });

  it('a patient may not create one (403), whatever the body', async () => {
    expect(await thrown(() => requests.createFileRequest(patient, { ownerId: 'patient-1', message: 'm' }))).toBeInstanceOf(ForbiddenError);
    expect(await thrown(() => requests.createFileRequest(patient, { nonsense: true }))).toBeInstanceOf(ForbiddenError);
    expect(store.records.size).toBe(0);
    expect(events.events).toEqual([]);
  });

  it('lists every offending field in one 422', async () => {
    const error = await thrown(() =>
      requests.createFileRequest(provider, {
        ownerId: '',
        message: 'bad\u0000',
        categories: ['nope'],
        entity: { type: 'UPPER', id: 'x' },
        dueAt: 'tomorrow',
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(paths(error)).toEqual(['categories.0', 'dueAt', 'entity.type', 'message', 'ownerId']);
    expect(store.records.size).toBe(0);
  });

  it('dueAt must be in the future by the service clock, and is listed with the other offending fields', async () => {
    for (const dueAt of [NOW.toISOString(), '2026-11-22T15:04:05.122Z', '2020-01-01T00:00:00Z']) {
      const error = await thrown(() => requests.createFileRequest(provider, { ownerId: 'patient-1', message: 'm', dueAt }));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.details).toEqual([{ path: 'dueAt', message: 'must be in the future' }]);
    }
    const both = await thrown(() => requests.createFileRequest(provider, { ownerId: 'patient-1', message: '', dueAt: '2020-01-01T00:00:00Z' }));
    expect(paths(both)).toEqual(['dueAt', 'message']);
    const created = await requests.createFileRequest(provider, { ownerId: 'patient-1', message: 'm', dueAt: '2026-11-22T15:04:05.124Z' });
    expect(created.dueAt).toBe('2026-11-22T15:04:05.124Z');
  });

  it('a body that is not an object is a 422, not a crash', async () => {
    for (const body of [null, [], 'text', 42]) {
      expect(await thrown(() => requests.createFileRequest(provider, body))).toBeInstanceOf(ValidationError);
    }
  });
});

describe('getFileRequest', () => {
  it('staff of the tenant and the patient asked see it; another patient and another tenant get 404', async () => {
    const [created] = await createMany(1);
    for (const caller of [provider, admin, service, patient]) expect((await requests.getFileRequest(caller, created!.id)).id).toBe(created!.id);
    const hidden = await thrown(() => requests.getFileRequest(otherPatient, created!.id));
    const foreign = await thrown(() => requests.getFileRequest(otherTenantProvider, created!.id));
    const absent = await thrown(() => requests.getFileRequest(provider, '0193a5c2-7b4e-7000-8000-00000000dead'));
    for (const error of [hidden, foreign, absent]) {
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toBe(absent.message);
    }
  });
});

describe('listFileRequests', () => {
  const list = (caller: Caller, query: Record<string, string> = {}) => requests.listFileRequests(caller, ListFileRequestsQuery.parse(query));

  it('plans one partition per status, of one owner for patients', () => {
    const q = (query: Record<string, string>) => ListFileRequestsQuery.parse(query);
    expect(fileRequestListPlan(provider, q({})).sources).toEqual([{ status: 'open' }, { status: 'fulfilled' }, { status: 'cancelled' }]);
    expect(fileRequestListPlan(provider, q({ status: 'open', ownerId: 'x' })).sources).toEqual([{ status: 'open', ownerId: 'x' }]);
    expect(fileRequestListPlan(patient, q({})).sources).toEqual([
      { status: 'open', ownerId: 'patient-1' },
      { status: 'fulfilled', ownerId: 'patient-1' },
      { status: 'cancelled', ownerId: 'patient-1' },
    ]);
    expect(fileRequestListPlan(patient, q({ ownerId: 'patient-1', status: 'fulfilled' })).sources).toEqual([{ status: 'fulfilled', ownerId: 'patient-1' }]);
    expect(fileRequestListPlan(patient, q({ ownerId: 'patient-2' })).sources).toEqual([]);
    expect(fileRequestListPlan(provider, q({ limit: '7' }))).toMatchObject({ tenantId: 't1', limit: 7 });
  });

  it('newest first; patients see only theirs; another owner gives an empty list', async () => {
    const mine = await createMany(3);
    const theirs = await createMany(2, { ownerId: 'patient-2' });
    expect((await list(provider)).fileRequests.map((r) => r.id)).toEqual([...mine, ...theirs].map((r) => r.id).reverse());
    expect((await list(patient)).fileRequests.map((r) => r.id)).toEqual(mine.map((r) => r.id).reverse());
    expect((await list(otherPatient)).fileRequests.map((r) => r.id)).toEqual(theirs.map((r) => r.id).reverse());
    expect(await list(patient, { ownerId: 'patient-2' })).toEqual({ fileRequests: [], nextCursor: null });
    expect((await list(provider, { ownerId: 'patient-2' })).fileRequests.map((r) => r.id)).toEqual(theirs.map((r) => r.id).reverse());
    expect((await list(otherTenantProvider)).fileRequests).toEqual([]);
  });

  it('filters by status', async () => {
    const [a, b, c] = await createMany(3);
    await requests.updateFileRequest(provider, a!.id, { status: 'cancelled' });
    await requests.updateFileRequest(patient, b!.id, { status: 'fulfilled' });
    expect((await list(provider, { status: 'open' })).fileRequests.map((r) => r.id)).toEqual([c!.id]);
    expect((await list(provider, { status: 'fulfilled' })).fileRequests.map((r) => r.id)).toEqual([b!.id]);
    expect((await list(patient, { status: 'cancelled' })).fileRequests.map((r) => r.id)).toEqual([a!.id]);
  });

  it('walking the cursors returns each request once, in order', async () => {
    const made = await createMany(7);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await list(provider, { limit: '3', ...(cursor ? { cursor } : {}) });
      seen.push(...page.fileRequests.map((r) => r.id));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(made.map((r) => r.id).reverse());
  });

  it('the cursor is opaque and continues only the query that made it', async () => {
    await createMany(3);
    const { nextCursor } = await list(provider, { limit: '1' });
    expect(nextCursor).toEqual(expect.any(String));
    expect(nextCursor).not.toContain('2026');
    // Same query, another page size: fine.
    expect((await list(provider, { limit: '2', cursor: nextCursor! })).fileRequests).toHaveLength(2);
    for (const [caller, query] of [
      [provider, { status: 'open' }],
      [provider, { ownerId: 'patient-1' }],
      [admin, {}],
      [patient, {}],
      [otherTenantProvider, {}],
    ] as const) {
      const error = await thrown(() => list(caller, { ...query, cursor: nextCursor! }));
      expect(error).toBeInstanceOf(ValidationError);
      expect(paths(error)).toEqual(['cursor']);
    }
    expect(paths(await thrown(() => list(provider, { cursor: 'garbage' })))).toEqual(['cursor']);
  });

  it('a files list cursor is not a file requests cursor', async () => {
    const filesCursor = sealer.seal('list-cursor', { a: 'x' }, 'anything');
    expect(paths(await thrown(() => list(provider, { cursor: filesCursor })))).toEqual(['cursor']);
  });
});

describe('updateFileRequest', () => {
  it('staff change the message and the status; version and updatedAt move, createdAt stays', async () => {
    const [created] = await createMany(1);
    clock = new Date(clock.getTime() + 5000);
    const updated = await requests.updateFileRequest(provider, created!.id, { message: 'Two photos, please', status: 'cancelled' });
    expect(updated).toMatchObject({ message: 'Two photos, please', status: 'cancelled', version: 2, createdAt: created!.createdAt, updatedAt: clock.toISOString() });
    expect(await store.get('t1', created!.id)).toEqual(updated);
    const reopened = await requests.updateFileRequest(admin, created!.id, { status: 'open' });
    expect(reopened).toMatchObject({ status: 'open', version: 3 });
  });

  it('publishes file-request.updated without the message', async () => {
    const [created] = await createMany(1, { dueAt: LATER });
    events.events.length = 0;
    await requests.updateFileRequest(provider, created!.id, { message: 'Private words' });
    await requests.updateFileRequest(patient, created!.id, { status: 'fulfilled' });
    expect(events.events).toEqual([
      { type: 'file-request.updated', tenantId: 't1', data: { fileRequestId: created!.id, ownerId: 'patient-1', status: 'open', fileCount: 0, dueAt: LATER } },
      { type: 'file-request.updated', tenantId: 't1', data: { fileRequestId: created!.id, ownerId: 'patient-1', status: 'fulfilled', fileCount: 0, dueAt: LATER } },
    ]);
    expect(JSON.stringify(events.events)).not.toMatch(/Private|request 0/);
  });

  it('a patch that changes nothing writes nothing and publishes nothing', async () => {
    const [created] = await createMany(1);
    events.events.length = 0;
    for (const patch of [{}, { status: 'open' }, { message: created!.message }]) {
      expect(await requests.updateFileRequest(provider, created!.id, patch)).toEqual(created);
    }
    await requests.updateFileRequest(patient, created!.id, { status: 'fulfilled' });
    const again = await requests.updateFileRequest(patient, created!.id, { status: 'fulfilled' });
    expect(again.version).toBe(2);
    expect(events.events.map((e) => e.type)).toEqual(['file-request.updated']);
  });

  it('the patient asked may mark it fulfilled; other changes are 403 and change nothing', async () => {
    const [created] = await createMany(1);
    for (const patch of [{ status: 'cancelled' }, { message: 'mine now' }, { status: 'fulfilled', message: 'done' }]) {
      expect(await thrown(() => requests.updateFileRequest(patient, created!.id, patch))).toBeInstanceOf(ForbiddenError);
    }
    expect((await store.get('t1', created!.id))!.version).toBe(1);
    expect((await requests.updateFileRequest(patient, created!.id, { status: 'fulfilled' })).status).toBe('fulfilled');
    expect(await thrown(() => requests.updateFileRequest(patient, created!.id, { status: 'open' }))).toBeInstanceOf(ForbiddenError);
  });

  it('the patient may not fulfil a cancelled request', async () => {
    const [created] = await createMany(1);
    await requests.updateFileRequest(provider, created!.id, { status: 'cancelled' });
    expect(await thrown(() => requests.updateFileRequest(patient, created!.id, { status: 'fulfilled' }))).toBeInstanceOf(ForbiddenError);
  });

  it('invisible is 404 before the body is looked at; a visible one with a bad body is 422', async () => {
    const [created] = await createMany(1);
    for (const [caller, body] of [
      [otherPatient, { status: 'fulfilled' }],
      [otherPatient, { description: 'x' }],
      [otherTenantProvider, { description: 'x' }],
      [provider, { status: 'bogus' }],
    ] as const) {
      const id = caller === provider ? '0193a5c2-7b4e-7000-8000-00000000dead' : created!.id;
      expect(await thrown(() => requests.updateFileRequest(caller, id, body))).toBeInstanceOf(NotFoundError);
    }
    const error = await thrown(() => requests.updateFileRequest(provider, created!.id, { status: 'closed', message: '', fileIds: [] }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(paths(error)).toEqual(['(body)', 'message', 'status']);
    // The patient asked gets 422 for a malformed body too, before the role rules.
    expect(await thrown(() => requests.updateFileRequest(patient, created!.id, { status: 'closed' }))).toBeInstanceOf(ValidationError);
  });

  it('re-reads and retries when the request changed meanwhile, keeping what the other writer added', async () => {
    const [created] = await createMany(1);
    let raced = false;
    store.beforeReplace = () => {
      if (raced) return;
      raced = true;
      // An upload lands between this PATCH's read and its write.
      const current = store.records.get(keyOf('t1', created!.id))!;
      current.fileIds.push('f-1');
      current.fileCount = 1;
      current.version += 1;
    };
    const updated = await requests.updateFileRequest(provider, created!.id, { message: 'new words' });
    expect(updated).toMatchObject({ message: 'new words', fileIds: ['f-1'], fileCount: 1, version: 3 });
    expect(await store.get('t1', created!.id)).toEqual(updated);
  });

  it('the retried patch follows the rules for what it finds: a request cancelled meanwhile is 403 for the patient', async () => {
    const [created] = await createMany(1);
    store.beforeReplace = (record) => {
      store.beforeReplace = undefined;
      const current = store.records.get(keyOf('t1', record.id))!;
      current.status = 'cancelled';
      current.version += 1;
    };
    expect(await thrown(() => requests.updateFileRequest(patient, created!.id, { status: 'fulfilled' }))).toBeInstanceOf(ForbiddenError);
    expect((await store.get('t1', created!.id))!.status).toBe('cancelled');
  });

  it('gives up with 409 when every attempt conflicts', async () => {
    const [created] = await createMany(1);
    store.beforeReplace = (record) => {
      store.records.get(keyOf('t1', record.id))!.version += 1;
    };
    expect(await thrown(() => requests.updateFileRequest(provider, created!.id, { message: 'x' }))).toBeInstanceOf(ConflictError);
    expect(events.events.map((e) => e.type)).toEqual(['file-request.created']);
  });
});

describe('FileRequestGate', () => {
  const notOpen = async (fn: () => Promise<unknown>) => {
    const error = await thrown(fn);
    expect(error).toBeInstanceOf(ValidationError);
    expect(paths(error)).toEqual(['fileRequestId']);
  };

  it('assertOpenFor passes only for an open request of the tenant addressed to the owner', async () => {
    const [open, fulfilled, cancelled] = await createMany(3);
    await requests.updateFileRequest(provider, fulfilled!.id, { status: 'fulfilled' });
    await requests.updateFileRequest(provider, cancelled!.id, { status: 'cancelled' });
    await requests.assertOpenFor('t1', open!.id, 'patient-1');
    await requests.assertOpenFor('t1', open!.id.toUpperCase(), 'patient-1');
    await notOpen(() => requests.assertOpenFor('t1', fulfilled!.id, 'patient-1'));
    await notOpen(() => requests.assertOpenFor('t1', cancelled!.id, 'patient-1'));
    await notOpen(() => requests.assertOpenFor('t1', open!.id, 'patient-2'));
    await notOpen(() => requests.assertOpenFor('t2', open!.id, 'patient-1'));
    await notOpen(() => requests.assertOpenFor('t1', '0193a5c2-7b4e-7000-8000-00000000dead', 'patient-1'));
  });

  it('addFiles appends in order and counts; it refuses a request that is not open for the owner', async () => {
    const [created] = await createMany(1);
    clock = new Date(clock.getTime() + 1000);
    expect(await requests.addFiles('t1', created!.id, 'patient-1', ['f-1', 'f-2'])).toEqual({ fileCount: 2 });
    expect(await requests.addFiles('t1', created!.id.toUpperCase(), 'patient-1', ['f-3'])).toEqual({ fileCount: 3 });
    expect(await requests.getFileRequest(provider, created!.id)).toMatchObject({
      fileIds: ['f-1', 'f-2', 'f-3'],
      fileCount: 3,
      version: 3,
      updatedAt: clock.toISOString(),
    });
    await notOpen(() => requests.addFiles('t1', created!.id, 'patient-2', ['f-4']));
    await notOpen(() => requests.addFiles('t2', created!.id, 'patient-1', ['f-4']));
    await requests.updateFileRequest(provider, created!.id, { status: 'cancelled' });
    await notOpen(() => requests.addFiles('t1', created!.id, 'patient-1', ['f-4']));
    expect((await store.get('t1', created!.id))!.fileIds).toEqual(['f-1', 'f-2', 'f-3']);
  });

  it(`holds at most ${MAX_FILES_PER_FILE_REQUEST} files and says so`, async () => {
    const [created] = await createMany(1);
    const ids = Array.from({ length: MAX_FILES_PER_FILE_REQUEST - 1 }, (_, i) => `f-${i}`);
    expect(await requests.addFiles('t1', created!.id, 'patient-1', ids)).toEqual({ fileCount: MAX_FILES_PER_FILE_REQUEST - 1 });
    const overflow = await thrown(() => requests.addFiles('t1', created!.id, 'patient-1', ['a', 'b']));
    expect(overflow).toBeInstanceOf(ValidationError);
    expect(overflow.details[0]!.message).toContain(String(MAX_FILES_PER_FILE_REQUEST));
    expect(await requests.addFiles('t1', created!.id, 'patient-1', ['last'])).toEqual({ fileCount: MAX_FILES_PER_FILE_REQUEST });
    const full = await thrown(() => requests.assertOpenFor('t1', created!.id, 'patient-1'));
    expect(full.details[0]!.message).toContain('most files');
  });
});

describe('uploads through the file use cases', () => {
  let index: InMemoryFileIndex;
  let objects: InMemoryFileStore;
  let files: FileUseCases;

  beforeEach(() => {
    index = new InMemoryFileIndex();
    objects = new InMemoryFileStore();
    files = fileUseCases({
      store: objects,
      index,
      events,
      images: new NoImageProcessor(),
      thumbnails: new UnusedThumbnailer(),
      fileRequests: requests,
      links: new ContentLinks(sealer, 900),
      sealer,
      inlineResponseMaxBytes: 5_000_000,
      redirectTtlSeconds: 60,
    });
  });

  const note = (name: string): NewFile => ({ name, bytes: new TextEncoder().encode(`${name}\n`), mimeType: 'text/plain' });

  it('adds the uploaded files to the request and publishes one files.updated', async () => {
    const [created] = await createMany(1);
    events.events.length = 0;
    const uploaded = await files.createFiles(patient, [note('a.txt'), note('b.txt')], { fileRequestId: created!.id });
    const request = await requests.getFileRequest(provider, created!.id);
    expect(request.fileIds).toEqual(uploaded.map((f) => f.id));
    expect(request.fileCount).toBe(2);
    expect(events.events.filter((e) => e.type === 'file-request.files.updated')).toEqual([
      {
        type: 'file-request.files.updated',
        tenantId: 't1',
        data: { fileRequestId: created!.id, ownerId: 'patient-1', fileIds: uploaded.map((f) => f.id), fileCount: 2 },
      },
    ]);
  });

  it('refuses an upload for a request that is not open for the owner, and stores nothing', async () => {
    const [cancelled, othersRequest] = [(await createMany(1))[0]!, (await createMany(1, { ownerId: 'patient-2' }))[0]!];
    await requests.updateFileRequest(provider, cancelled.id, { status: 'cancelled' });
    for (const id of [cancelled.id, othersRequest.id, '0193a5c2-7b4e-7000-8000-00000000dead']) {
      const error = await thrown(() => files.createFiles(patient, [note('a.txt'), note('b.txt')], { fileRequestId: id }));
      expect(error).toBeInstanceOf(ValidationError);
      expect(paths(error)).toEqual(['fileRequestId']);
    }
    expect(index.records.size).toBe(0);
    expect(objects.objects.size).toBe(0);
  });

  it('a request cancelled while the bytes are written refuses the whole upload', async () => {
    const [created] = await createMany(1);
    index.beforeCreate = () => {
      index.beforeCreate = undefined;
      const current = store.records.get(keyOf('t1', created!.id))!;
      current.status = 'cancelled';
    };
    const error = await thrown(() => files.createFiles(patient, [note('a.txt'), note('b.txt')], { fileRequestId: created!.id }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(index.records.size).toBe(0);
    expect(objects.objects.size).toBe(0);
    expect((await store.get('t1', created!.id))!.fileIds).toEqual([]);
  });
});
