/**
 * The file use cases on in-memory ports: Content-Disposition, list planning, and all-or-nothing writes (a failure
 * anywhere leaves no object and no record), including the PUT race on a client-chosen id.
 */
import { createHash } from 'node:crypto';
import { parse } from 'content-disposition';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, InternalError, NotFoundError } from '../../../../shared/domain/errors.ts';
import { contentKey, type Caller, type FileRecord } from '../../../../shared/domain/file.ts';
import { listPlan } from '../../../../shared/domain/files/listing.ts';
import { dispositionFor } from '../../../../shared/domain/files/stored-object.ts';
import type { NewFile } from '../../../../shared/domain/files/uploads.ts';
import { fileUseCases, type FileUseCases } from '../../../support/file-use-cases.ts';
import { ContentLinks } from '../../../../shared/domain/links.ts';
import { ListQuery } from '../../../../shared/http/formats/files.ts';
import { Sealer } from '../../../../shared/domain/sealing.ts';
import {
  InMemoryFileIndex,
  InMemoryFileStore,
  NoImageProcessor,
  RecordingPublisher,
  UnusedThumbnailer,
  InMemoryFileRequests,
} from '../../../support/in-memory-ports.ts';
import { fileRecord } from '../../../support/integration-records.ts';

const provider: Caller = { sub: 'provider-7', tenantId: 't1', role: 'provider', via: 'token' };
const patient: Caller = { sub: 'patient-1', tenantId: 't1', role: 'patient', via: 'token' };
const otherPatient: Caller = { sub: 'patient-2', tenantId: 't1', role: 'patient', via: 'token' };

describe('dispositionFor (RFC 6266 + RFC 5987)', () => {
  const names = [
    'report.pdf',
    'IMG 0292 (1).JPG',
    "it's [final] v2; copy, 3.pdf",
    'a"quoted".pdf',
    'back\\slash.pdf',
    '100% done.pdf',
    'a%20b.pdf',
    'café.pdf',
    'Grüße.txt',
    '日本語のファイル.pdf',
    'صورة.png',
    '😀 smile.png',
    ' leading and trailing .txt ',
  ];

  it.each(names)('%j round-trips through a standard parser', (name) => {
    for (const type of ['inline', 'attachment'] as const) {
      const header = dispositionFor(name, type);
      const parsed = parse(header);
      expect(parsed.type).toBe(type);
      expect(parsed.parameters.filename).toBe(name);
    }
  });

  it.each(names)('%j: the header is ASCII and its plain filename is a safe ASCII fallback', (name) => {
    const header = dispositionFor(name, 'attachment');
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    const plain = /(?:^|;\s*)filename=("(?:[^"\\]|\\.)*"|[^;\s]+)/.exec(header);
    expect(plain, 'a filename= parameter for old clients').not.toBeNull();
    const fallback = plain![1]!.startsWith('"') ? plain![1]!.slice(1, -1).replace(/\\(.)/g, '$1') : plain![1]!;
    expect(fallback).toMatch(/^[\x20-\x7e]+$/);
    expect(fallback).not.toMatch(/["\\%]/);
  });

  it('a plain ASCII name needs no extended parameter', () => {
    const header = dispositionFor('report.pdf', 'inline');
    expect(header).not.toContain('filename*');
    expect(parse(header)).toEqual({ type: 'inline', parameters: { filename: 'report.pdf' } });
  });

  it('a non-ASCII name gets filename* in UTF-8 and an ASCII fallback that keeps the extension', () => {
    const header = dispositionFor('日本語.pdf', 'attachment');
    expect(header).toContain("filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.pdf");
    const fallback = /filename="?([^";]+)"?/.exec(header)![1]!;
    expect(fallback.endsWith('.pdf')).toBe(true);
  });

  it('quotes and backslashes never break out of the parameter', () => {
    const header = dispositionFor('x"; filename="evil.exe', 'attachment');
    expect(parse(header).parameters.filename).toBe('x"; filename="evil.exe');
    expect(header).not.toContain('"evil.exe"');
  });
});

describe('listPlan: which index partitions a page reads', () => {
  const plan = (caller: Caller, query: Record<string, string>) => listPlan(caller, ListQuery.parse(query));
  const FR = '0193a5c2-7b4e-7000-8000-0000000000aa';

  it('staff without filters read the tenant partition', () => {
    expect(plan(provider, {})).toMatchObject({
      tenantId: 't1',
      sort: 'createdAt',
      order: 'desc',
      limit: 25,
      sources: [{ by: 'tenant', state: 'active' }],
      filters: { states: ['active'] },
    });
  });

  it.each([
    [{ ownerId: 'p1' }, { by: 'owner', value: 'p1', state: 'active' }],
    [{ entityType: 'visit', entityId: 'v-42' }, { by: 'entity', value: { type: 'visit', id: 'v-42' }, state: 'active' }],
    [{ category: 'lab_result' }, { by: 'category', value: 'lab_result', state: 'active' }],
    [{ recordType: 'dental' }, { by: 'recordType', value: 'dental', state: 'active' }],
    [{ fileRequestId: FR }, { by: 'fileRequest', value: FR, state: 'active' }],
    [{ state: 'archived' }, { by: 'tenant', state: 'archived' }],
  ])('a single filter %j reads its own partition', (query, source) => {
    const p = plan(provider, query as Record<string, string>);
    expect(p.sources).toEqual([source]);
  });

  it('state=all reads two partitions, active and archived', () => {
    expect(plan(provider, { state: 'all' }).sources).toEqual([
      { by: 'tenant', state: 'active' },
      { by: 'tenant', state: 'archived' },
    ]);
    expect(plan(provider, { state: 'all', ownerId: 'p1' }).sources).toEqual([
      { by: 'owner', value: 'p1', state: 'active' },
      { by: 'owner', value: 'p1', state: 'archived' },
    ]);
    expect(plan(provider, { state: 'all' }).filters.states).toEqual(['active', 'archived']);
  });

  it('with several filters, the most selective is the partition and every filter still applies', () => {
    const p = plan(provider, { ownerId: 'p1', category: 'imaging', recordType: 'medical', entityType: 'visit', entityId: 'v1' });
    expect(p.sources).toEqual([{ by: 'entity', value: { type: 'visit', id: 'v1' }, state: 'active' }]);
    expect(p.filters).toMatchObject({ ownerId: 'p1', category: 'imaging', recordType: 'medical', entity: { type: 'visit', id: 'v1' } });
    expect(plan(provider, { fileRequestId: FR, ownerId: 'p1' }).sources[0]).toMatchObject({ by: 'fileRequest' });
    expect(plan(provider, { ownerId: 'p1', category: 'imaging' }).sources[0]).toMatchObject({ by: 'owner' });
    expect(plan(provider, { category: 'imaging', recordType: 'medical' }).sources[0]).toMatchObject({ by: 'category' });
  });

  it('sort, order and limit pass through', () => {
    expect(plan(provider, { sort: 'originalName', order: 'asc', limit: '7' })).toMatchObject({ sort: 'originalName', order: 'asc', limit: 7 });
  });

  it('a patient reads its own partition, restricted to what it may see, by default without shared files', () => {
    const p = plan(patient, {});
    expect(p.sources).toEqual([{ by: 'owner', value: 'patient-1', state: 'active' }]);
    expect(p.filters.visibleTo).toBe('patient-1');
  });

  it('a patient with includeShared also reads the files shared with it', () => {
    expect(plan(patient, { includeShared: 'true' }).sources).toEqual([
      { by: 'owner', value: 'patient-1', state: 'active' },
      { by: 'sharedWith', value: 'patient-1' },
    ]);
    expect(plan(patient, { includeShared: 'true', state: 'all' }).sources).toEqual([
      { by: 'owner', value: 'patient-1', state: 'active' },
      { by: 'owner', value: 'patient-1', state: 'archived' },
      { by: 'sharedWith', value: 'patient-1' },
    ]);
  });

  it("a patient asking for another owner's files reads only what is shared with it", () => {
    expect(plan(patient, { ownerId: 'patient-2' }).sources).toEqual([]);
    const shared = plan(patient, { ownerId: 'patient-2', includeShared: 'true' });
    expect(shared.sources).toEqual([{ by: 'sharedWith', value: 'patient-1' }]);
    expect(shared.filters).toMatchObject({ ownerId: 'patient-2', visibleTo: 'patient-1' });
  });

  it('a patient naming itself as owner is the same as no owner', () => {
    expect(plan(patient, { ownerId: 'patient-1' }).sources).toEqual([{ by: 'owner', value: 'patient-1', state: 'active' }]);
  });

  it('a patient cannot widen its view with filters', () => {
    for (const query of <Record<string, string>[]>[{ category: 'imaging' }, { entityType: 'visit', entityId: 'v1' }, { fileRequestId: FR }, { recordType: 'medical' }]) {
      const p = plan(patient, query);
      expect(p.sources.every((s) => (s.by === 'owner' || s.by === 'sharedWith') && s.value === 'patient-1')).toBe(true);
      expect(p.filters.visibleTo).toBe('patient-1');
    }
  });
});

describe('file use cases with in-memory ports', () => {
  let store: InMemoryFileStore;
  let index: InMemoryFileIndex;
  let events: RecordingPublisher;
  let requests: InMemoryFileRequests;
  let service: FileUseCases;
  let clock: Date;
  const sealer = new Sealer('unit-test-signing-secret-0123456789abcdef');

  beforeEach(() => {
    clock = new Date('2026-11-22T15:04:05.123Z');
    store = new InMemoryFileStore();
    index = new InMemoryFileIndex(() => clock);
    events = new RecordingPublisher();
    requests = new InMemoryFileRequests();
    service = fileUseCases({
      store,
      index,
      events,
      images: new NoImageProcessor(),
      thumbnails: new UnusedThumbnailer(),
      fileRequests: requests,
      sealer,
      links: new ContentLinks(sealer, 900),
      inlineResponseMaxBytes: 64,
      redirectTtlSeconds: 60,
      now: () => clock,
    });
  });

  const file = (name: string, content: string, mimeType = 'text/plain'): NewFile => ({ name, bytes: Buffer.from(content), mimeType });
  const three = () => [file('a.txt', 'alpha'), file('b.txt', 'bravo'), file('c.txt', 'charlie')];
  const sha = (content: string) => createHash('sha256').update(content).digest('hex');

  function expectNothingStored(): void {
    expect([...store.objects.keys()]).toEqual([]);
    expect([...index.records.keys()]).toEqual([]);
    expect([...index.claims.keys()]).toEqual([]);
    expect(events.events).toEqual([]);
  }

  describe('uploads for a file request', () => {
    const REQUEST = '0193a5c2-7e4b-7000-8000-00000000abcd';

    it('adds every file of the upload to the open request and publishes one files.updated listing them', async () => {
      requests.open(REQUEST, 'p1');
      const created = await service.createFiles(provider, three(), { ownerId: 'p1', fileRequestId: REQUEST });
      expect(requests.requests.get(REQUEST)!.fileIds).toEqual(created.map((f) => f.id));
      const updates = events.events.filter((e) => e.type === 'file-request.files.updated');
      expect(updates).toEqual([
        { type: 'file-request.files.updated', tenantId: provider.tenantId, data: { fileRequestId: REQUEST, ownerId: 'p1', fileIds: created.map((f) => f.id), fileCount: 3 } },
      ]);
      expect(created.every((f) => f.fileRequestId === REQUEST)).toBe(true);
    });

    it('refuses (422) a request addressed to another owner, and stores nothing', async () => {
      requests.open(REQUEST, 'p2');
      await expect(service.createFiles(provider, three(), { ownerId: 'p1', fileRequestId: REQUEST })).rejects.toMatchObject({
        status: 422,
        details: [{ path: 'fileRequestId' }],
      });
      expect(store.objects.size).toBe(0);
      expect(events.events).toEqual([]);
    });

    it('undoes the upload when the request closes while the bytes are written', async () => {
      requests.open(REQUEST, 'p1');
      const addFiles = requests.addFiles.bind(requests);
      requests.addFiles = async (...args) => {
        requests.close(REQUEST);
        return addFiles(...args);
      };
      await expect(service.createFiles(provider, three(), { ownerId: 'p1', fileRequestId: REQUEST })).rejects.toMatchObject({ status: 422 });
      expect(store.objects.size).toBe(0);
      expect((await service.listFiles(provider, ListQuery.parse({}))).files).toEqual([]);
      expect(events.events).toEqual([]);
    });
  });

  describe('createFiles is all or nothing', () => {
    it('stores every file: bytes under a name-free key, one record each, one event each', async () => {
      const created = await service.createFiles(provider, three(), { ownerId: 'patient-1', category: 'lab_result' });
      expect(created.map((r) => r.originalName)).toEqual(['a.txt', 'b.txt', 'c.txt']);
      expect(index.records.size).toBe(3);
      expect(store.objects.size).toBe(3);
      for (const record of created) {
        const key = contentKey(record.tenantId, record.id);
        expect(key).toMatch(new RegExp(`^tenants/t1/files/${record.id}/`));
        expect(key).not.toContain(record.originalName);
        const stored = store.objects.get(key)!;
        expect(createHash('sha256').update(stored.bytes).digest('hex')).toBe(record.sha256);
        expect(stored.headers.contentType).toBe('text/plain; charset=utf-8');
        expect(parse(stored.headers.contentDisposition)).toEqual({ type: 'attachment', parameters: { filename: record.originalName } });
      }
      expect(events.events.map((e) => e.type)).toEqual(['file.created', 'file.created', 'file.created']);
      expect(JSON.stringify(events.events)).not.toMatch(/a\.txt|b\.txt|c\.txt/);
    });

    it('when the index create of the 2nd of 3 files fails, no object and no record remain', async () => {
      index.failOn('create', (n) => (n === 2 ? new InternalError('index write failed') : undefined));
      await expect(service.createFiles(provider, three(), {})).rejects.toBeInstanceOf(InternalError);
      expectNothingStored();
    });

    it.each([1, 2, 3])('when object put %i of 3 fails, nothing remains and no record is written', async (failing) => {
      store.failOn('put', (n) => (n === failing ? new InternalError('storage put failed') : undefined));
      await expect(service.createFiles(provider, three(), {})).rejects.toBeInstanceOf(InternalError);
      expectNothingStored();
    });

    it('a failing clean-up does not hide the original error', async () => {
      index.failOn('create', (n) => (n === 1 ? new InternalError('index write failed') : undefined));
      store.failOn('delete', (n) => (n === 1 ? new Error('storage delete failed') : undefined));
      await expect(service.createFiles(provider, three(), {})).rejects.toThrow('index write failed');
      expect(index.records.size).toBe(0);
    });
  });

  describe('PUT /v1/files/{id}/content', () => {
    const ID = '0193a5c2-7b4e-7000-8000-00000000beef';

    it('creates with the client-chosen id, then answers a retry with the same file (created: false)', async () => {
      const first = await service.putFileContent(provider, ID, file('x.txt', 'same'), { ownerId: 'patient-1' });
      expect(first).toMatchObject({ created: true, file: { id: ID, sha256: sha('same') } });
      const again = await service.putFileContent(provider, ID, file('x.txt', 'same'), { ownerId: 'patient-1' });
      expect(again).toEqual({ created: false, file: first.file });
      expect([...store.objects.keys()]).toEqual([contentKey('t1', ID)]);
      expect(index.claims.size).toBe(0);
    });

    it('different bytes under an existing id are 409 and change nothing', async () => {
      await service.putFileContent(provider, ID, file('x.txt', 'first'), {});
      const before = structuredClone([...index.records.values()]);
      await expect(service.putFileContent(provider, ID, file('x.txt', 'second'), {})).rejects.toBeInstanceOf(ConflictError);
      expect([...index.records.values()]).toEqual(before);
      expect(Buffer.from(store.objects.get(contentKey('t1', ID))!.bytes).toString()).toBe('first');
    });

    it('when the object put fails, nothing remains and the id is free again', async () => {
      store.failOn('put', (n) => (n === 1 ? new InternalError('storage put failed') : undefined));
      await expect(service.putFileContent(provider, ID, file('x.txt', 'x'), {})).rejects.toBeInstanceOf(InternalError);
      expectNothingStored();
      await expect(service.putFileContent(provider, ID, file('x.txt', 'x'), {})).resolves.toMatchObject({ created: true });
    });

    it('when the metadata write fails, nothing remains and the id is free again', async () => {
      index.failOn('replace', (n) => (n === 1 ? new InternalError('index write failed') : undefined));
      await expect(service.putFileContent(provider, ID, file('x.txt', 'x'), {})).rejects.toBeInstanceOf(InternalError);
      expectNothingStored();
      await expect(service.putFileContent(provider, ID, file('x.txt', 'x'), {})).resolves.toMatchObject({ created: true });
    });

    /**
     * Arranges for another request to take ID just before ours claims it (after our first look found nothing):
     * finished (record and bytes stored) or still pending (claimed, bytes being written).
     */
    function raceAgainst(content: string, finished: boolean): FileRecord {
      const bytes = Buffer.from(content);
      const record: FileRecord = fileRecord({
        id: ID,
        tenantId: 't1',
        ownerId: 'provider-7',
        originalName: 'x.txt',
        mimeType: 'text/plain',
        size: bytes.length,
        sha256: sha(content),
        createdAt: clock.toISOString(),
        updatedAt: clock.toISOString(),
      });
      const takeFirst = () => {
        index.beforeClaim = undefined;
        index.beforeCreate = undefined;
        store.objects.set(contentKey('t1', ID), { bytes, headers: { contentType: 'text/plain', contentDisposition: 'attachment; filename=x.txt' } });
        if (finished) index.records.set(`t1/${ID}`, structuredClone(record));
        else index.claims.set(`t1/${ID}`, clock.getTime() + 3600_000);
      };
      index.beforeClaim = takeFirst;
      index.beforeCreate = takeFirst;
      return record;
    }

    function expectOnlyTheWinner(content: string, record: FileRecord | undefined): void {
      expect([...store.objects.keys()]).toEqual([contentKey('t1', ID)]);
      expect(Buffer.from(store.objects.get(contentKey('t1', ID))!.bytes).toString()).toBe(content);
      expect([...index.records.values()]).toEqual(record ? [record] : []);
      expect(events.events).toEqual([]);
    }

    it('losing a race to a finished upload of the same bytes returns the winner (200), leaving it untouched', async () => {
      const winner = raceAgainst('same', true);
      const result = await service.putFileContent(provider, ID, file('x.txt', 'same'), {});
      expect(result).toEqual({ created: false, file: winner });
      expectOnlyTheWinner('same', winner);
    });

    it('losing a race to a finished upload of different bytes is 409, leaving it untouched', async () => {
      const winner = raceAgainst('theirs', true);
      await expect(service.putFileContent(provider, ID, file('x.txt', 'mine'), {})).rejects.toBeInstanceOf(ConflictError);
      expectOnlyTheWinner('theirs', winner);
    });

    it('losing a race to an upload still in progress is 409, and its bytes are not touched', async () => {
      raceAgainst('theirs', false);
      await expect(service.putFileContent(provider, ID, file('x.txt', 'mine'), {})).rejects.toBeInstanceOf(ConflictError);
      expectOnlyTheWinner('theirs', undefined);
      expect(index.claims.size).toBe(1);
    });

    it("a patient PUTting onto another patient's id gets 404 (the file is invisible to it), never the other's file", async () => {
      await service.putFileContent(otherPatient, ID, file('x.txt', 'same'), {});
      await expect(service.putFileContent(patient, ID, file('x.txt', 'same'), {})).rejects.toBeInstanceOf(NotFoundError);
      await expect(service.putFileContent(patient, ID, file('x.txt', 'different'), {})).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('getContent', () => {
    it('reads the bytes of a visible file inline, with the stored type and an RFC 6266 disposition', async () => {
      const [created] = await service.createFiles(patient, [file('Grüße.txt', 'hello')], {});
      const result = await service.getContent(patient, created!.id, { download: true });
      expect(result.kind).toBe('inline');
      if (result.kind !== 'inline') return;
      expect(Buffer.from(result.bytes).toString()).toBe('hello');
      expect(result.contentType).toBe('text/plain; charset=utf-8');
      expect(parse(result.disposition)).toMatchObject({ type: 'attachment', parameters: { filename: 'Grüße.txt' } });
      expect(result.disposition).toContain("filename*=UTF-8''Gr%C3%BC%C3%9Fe.txt");
      expect(store.handles).toEqual([{ key: contentKey('t1', created!.id), read: true, aborted: false }]);
    });

    it('never reads the bytes of a file the caller may not see (404), and releases them', async () => {
      const [created] = await service.createFiles(otherPatient, [file('x.txt', 'secret')], {});
      await expect(service.getContent(patient, created!.id, { download: false })).rejects.toMatchObject({ status: 404 });
      await new Promise((r) => setTimeout(r, 0));
      expect(store.handles.every((h) => !h.read && h.aborted)).toBe(true);
    });

    it('an archived file has no content (404)', async () => {
      const [created] = await service.createFiles(provider, [file('x.txt', 'x')], {});
      await service.archiveFile(provider, created!.id);
      await expect(service.getContent(provider, created!.id, { download: false })).rejects.toMatchObject({ status: 404 });
    });

    it('an expired file has no content (404)', async () => {
      const [created] = await service.createFiles(provider, [file('x.txt', 'x')], { expiryInterval: 60 });
      clock = new Date(clock.getTime() + 60_000);
      await expect(service.getContent(provider, created!.id, { download: false })).rejects.toMatchObject({ status: 404 });
    });

    it('the stored object carries the Content-Type the route serves, so a storage redirect serves the same', async () => {
      // API.md: content over the inline limit is a redirect whose response has the same Content-Type.
      for (const [name, content, type] of [['notes.txt', 'Grüße', 'text/plain'], ['data.csv', 'a,b', 'text/csv'], ['scan.pdf', '%PDF-1.4', 'application/pdf']] as const) {
        const [created] = await service.createFiles(provider, [file(name, content, type)], {});
        const inline = await service.getContent(provider, created!.id, { download: true });
        if (inline.kind !== 'inline') return expect.fail('expected inline content');
        const stored = store.objects.get(contentKey('t1', created!.id))!.headers;
        expect({ name, contentType: stored.contentType }).toEqual({ name, contentType: inline.contentType });
        expect(stored.contentDisposition).toBe(inline.disposition);
      }
    });

    it('a file over the inline limit is a redirect whose URL names no file', async () => {
      const [created] = await service.createFiles(provider, [file('Jane Doe MRI.txt', 'x'.repeat(65))], {});
      const result = await service.getContent(provider, created!.id, { download: false });
      expect(result.kind).toBe('redirect');
      if (result.kind !== 'redirect') return;
      expect(result.url).not.toMatch(/Jane|MRI/);
      expect(new URL(result.url).searchParams.get('ttl')).toBe('60');
    });
  });

  describe('updateFile (sharing)', () => {
    it('answers a saved sharing change even when the share markers cannot be written, and reports it', async () => {
      const reported: string[] = [];
      const reporting = fileUseCases({
        store, index, events, images: new NoImageProcessor(), thumbnails: new UnusedThumbnailer(), fileRequests: requests,
        sealer, links: new ContentLinks(sealer, 900), inlineResponseMaxBytes: 64, redirectTtlSeconds: 60, now: () => clock,
        reportError: (what) => reported.push(what),
      });
      const [created] = await reporting.createFiles(provider, [file('a.txt', 'x')], { ownerId: 'patient-1' });
      index.failOn('syncShares', () => new InternalError('index write failed'));
      const updated = await reporting.updateFile(provider, created!.id, { sharedWith: ['patient-2'] });
      expect(updated.sharedWith).toEqual(['patient-2']);
      expect(index.records.get(`t1/${created!.id}`)!.sharedWith).toEqual(['patient-2']);
      expect(reported).toEqual(['share markers not written']);
      // The record is the truth: the patient it is shared with can read it.
      await expect(reporting.getFile(otherPatient, created!.id)).resolves.toMatchObject({ id: created!.id });
    });
  });

  describe('updateFile (rename)', () => {
    const storedName = (id: string) => parse(store.objects.get(contentKey('t1', id))!.headers.contentDisposition).parameters.filename;

    it('rewrites the stored disposition, keeping the bytes', async () => {
      const [created] = await service.createFiles(provider, [file('old.txt', 'x')], {});
      const updated = await service.updateFile(provider, created!.id, { originalName: 'Grüße.txt' });
      expect(updated).toMatchObject({ originalName: 'Grüße.txt', extension: 'txt', version: 2 });
      expect(storedName(created!.id)).toBe('Grüße.txt');
      expect(Buffer.from(store.objects.get(contentKey('t1', created!.id))!.bytes).toString()).toBe('x');
    });

    it('when the metadata write fails, the stored name is unchanged', async () => {
      const [created] = await service.createFiles(provider, [file('old.txt', 'x')], {});
      index.failOn('replace', () => new InternalError('index write failed'));
      await expect(service.updateFile(provider, created!.id, { originalName: 'new.txt' })).rejects.toBeInstanceOf(InternalError);
      expect(index.records.get(`t1/${created!.id}`)).toEqual(created);
      expect(storedName(created!.id)).toBe('old.txt');
    });

    it('when the storage copy fails after the metadata changed, retrying the same PATCH repairs the stored name', async () => {
      const [created] = await service.createFiles(provider, [file('old.txt', 'x')], {});
      store.failOn('copy', (n) => (n === 1 ? new InternalError('storage copy failed') : undefined));
      await expect(service.updateFile(provider, created!.id, { originalName: 'new.txt' })).rejects.toBeInstanceOf(InternalError);
      // The client saw a 500 and retries: afterwards metadata and stored object must agree.
      const retried = await service.updateFile(provider, created!.id, { originalName: 'new.txt' });
      expect(retried.originalName).toBe('new.txt');
      expect(storedName(created!.id)).toBe('new.txt');
    });
  });

  describe('listFiles cursors', () => {
    it('walk every file exactly once and only continue the query that made them', async () => {
      for (let i = 0; i < 7; i++) {
        clock = new Date(clock.getTime() + 1000);
        await service.createFiles(provider, [file(`f${i}.txt`, `content ${i}`)], { ownerId: 'patient-1' });
      }
      const query = ListQuery.parse({ limit: '3' });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await service.listFiles(provider, { ...query, cursor });
        seen.push(...page.files.map((f) => f.originalName));
        cursor = page.nextCursor ?? undefined;
        if (cursor) {
          expect(cursor).not.toMatch(/f\d\.txt/);
          await expect(service.listFiles(provider, { ...ListQuery.parse({ limit: '3', sort: 'size' }), cursor })).rejects.toMatchObject({ status: 422 });
          await expect(service.listFiles(patient, { ...query, cursor })).rejects.toMatchObject({ status: 422 });
        }
      } while (cursor);
      expect(seen).toEqual(['f6.txt', 'f5.txt', 'f4.txt', 'f3.txt', 'f2.txt', 'f1.txt', 'f0.txt']);
    });

    it('a garbage cursor is 422 on the cursor field', async () => {
      await expect(service.listFiles(provider, { ...ListQuery.parse({}), cursor: 'x'.repeat(50) })).rejects.toMatchObject({
        status: 422,
        details: [{ path: 'cursor', message: expect.any(String) }],
      });
    });
  });
});
