/**
 * The audit trail of the file use cases on in-memory ports (issue 8): one record per action and per denied attempt
 * on an existing file, written before the answer; when the trail cannot be written the request is 503 `unavailable`
 * and has no other effect (a change is undone, a read is not served).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { AccessLog } from '../../../../shared/domain/audit/access-log.ts';
import { Auditor } from '../../../../shared/domain/audit/auditor.ts';
import { AuditTrailReads } from '../../../../shared/domain/audit/trail-reads.ts';
import { contentKey, type Caller, type FileRecord } from '../../../../shared/domain/file.ts';
import { ContentLinks } from '../../../../shared/domain/links.ts';
import { Sealer } from '../../../../shared/domain/sealing.ts';
import { fileUseCases, type FileUseCases } from '../../../support/file-use-cases.ts';
import { InMemoryAuditTrail } from '../../../support/in-memory-audit-trail.ts';
import {
  InMemoryFileIndex,
  InMemoryFileRequests,
  InMemoryFileStore,
  NoImageProcessor,
  RecordingPublisher,
  UnusedThumbnailer,
} from '../../../support/in-memory-ports.ts';

const origin = { requestId: 'req-1', sourceIp: '203.0.113.9', userAgent: 'vitest' };
const patient: Caller = { sub: 'patient-1', tenantId: 't1', role: 'patient', via: 'token', origin };
const otherPatient: Caller = { sub: 'patient-2', tenantId: 't1', role: 'patient', via: 'token', origin };
const provider: Caller = { sub: 'provider-1', tenantId: 't1', role: 'provider', via: 'token', origin };
const admin: Caller = { sub: 'admin-1', tenantId: 't1', role: 'admin', via: 'token', origin };
const service: Caller = { sub: 'service-1', tenantId: 't1', role: 'service', via: 'token', origin };
const otherTenant: Caller = { sub: 'admin-1', tenantId: 't2', role: 'admin', via: 'token', origin };

const NAME = 'Jane Doe lab results.txt';
const DESCRIPTION = 'HIV test, confidential';

let trail: InMemoryAuditTrail;
let index: InMemoryFileIndex;
let store: InMemoryFileStore;
let events: RecordingPublisher;
let files: FileUseCases;
let file: FileRecord;
const sealer = new Sealer('unit-test-signing-secret-0123456789abcdef');

beforeEach(async () => {
  trail = new InMemoryAuditTrail();
  index = new InMemoryFileIndex();
  store = new InMemoryFileStore();
  events = new RecordingPublisher();
  files = fileUseCases({
    store,
    index,
    events,
    images: new NoImageProcessor(),
    thumbnails: new UnusedThumbnailer(),
    fileRequests: new InMemoryFileRequests(),
    sealer,
    links: new ContentLinks(sealer, 900),
    inlineResponseMaxBytes: 1024 * 1024,
    redirectTtlSeconds: 60,
    auditor: new Auditor({ trail }),
  });
  file = (await files.createFiles(patient, [{ name: NAME, bytes: new TextEncoder().encode('results\n'), mimeType: 'text/plain', description: DESCRIPTION }], {}))[0]!;
  events.events.length = 0;
});

const actionsOf = (fileId = file.id) => trail.of(fileId).map((r) => `${r.actor.id}:${r.action}:${r.outcome}`);
const objects = () => [...store.objects.keys()].sort();

describe('each action is recorded once, before the answer', () => {
  it('create: who, what, how, from where; ids and roles only', () => {
    const [record] = trail.of(file.id);
    expect(record).toMatchObject({
      tenantId: 't1',
      actor: { id: 'patient-1', role: 'patient' },
      action: 'create',
      fileId: file.id,
      outcome: 'success',
      via: 'token',
      requestId: 'req-1',
      sourceIp: '203.0.113.9',
      userAgent: 'vitest',
    });
    expect(record!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(trail.records)).not.toContain('Jane');
    expect(JSON.stringify(trail.records)).not.toContain('HIV');
  });

  it('read, download, update, share, archive, restore, delete', async () => {
    await files.getFileWithLink(provider, file.id, 'https://api.example');
    await files.getContent(provider, file.id, { download: true });
    await files.updateFile(provider, file.id, { description: 'seen' });
    await files.updateFile(patient, file.id, { sharedWith: ['patient-2'] });
    await files.updateFile(patient, file.id, { originalName: 'renamed.txt', sharedWith: [] });
    await files.archiveFile(provider, file.id);
    await files.restoreFile(admin, file.id);
    await files.deleteFilePermanently(admin, file.id);
    expect(actionsOf()).toEqual([
      'patient-1:create:success',
      'provider-1:read:success',
      'provider-1:download:success',
      'provider-1:update:success',
      'patient-1:share:success',
      'patient-1:update:success',
      'patient-1:share:success',
      'provider-1:archive:success',
      'admin-1:restore:success',
      'admin-1:delete:success',
    ]);
  });

  it('a download through a signed link is attributed to the user it was issued to, via signed_link', async () => {
    await files.getContent({ ...patient, via: 'signed_link' }, file.id, { download: false });
    expect(trail.of(file.id).at(-1)).toMatchObject({ actor: { id: 'patient-1' }, action: 'download', via: 'signed_link' });
  });

  it('a list page records a read of each listed file, marked listed', async () => {
    const [second] = await files.createFiles(patient, [{ name: 'b.txt', bytes: new TextEncoder().encode('b\n'), mimeType: 'text/plain' }], {});
    await files.listFiles(provider, { state: 'active', includeShared: false, sort: 'createdAt', order: 'desc', limit: 25 });
    for (const id of [file.id, second!.id]) {
      expect(trail.of(id).at(-1)).toMatchObject({ actor: { id: 'provider-1' }, action: 'read', listed: true });
    }
  });
});

describe('denied attempts on an existing file are recorded', () => {
  it('a patient who may not see it gets 404, recorded as denied, for every action', async () => {
    const attempts: [string, () => Promise<unknown>][] = [
      ['read', () => files.getFileWithLink(otherPatient, file.id, 'https://api.example')],
      ['download', () => files.getContent(otherPatient, file.id, { download: false })],
      ['thumbnail', () => files.getContent(otherPatient, file.id, { download: false, thumbnail: { width: 64, height: 64, format: undefined } })],
      ['update', () => files.updateFile(otherPatient, file.id, { description: 'x' })],
      ['share', () => files.updateFile(otherPatient, file.id, { sharedWith: ['patient-2'] })],
      ['archive', () => files.archiveFile(otherPatient, file.id)],
      ['restore', () => files.restoreFile(otherPatient, file.id)],
      ['delete', () => files.deleteFilePermanently(otherPatient, file.id)],
    ];
    for (const [action, attempt] of attempts) {
      await expect(attempt(), action).rejects.toMatchObject({ status: 404 });
      expect(trail.of(file.id).at(-1), action).toMatchObject({ actor: { id: 'patient-2' }, action, outcome: 'denied' });
    }
  });

  it('a visible file the role may not change: 403, recorded as denied', async () => {
    await files.updateFile(patient, file.id, { sharedWith: ['patient-2'] });
    await expect(files.updateFile(otherPatient, file.id, { description: 'x' })).rejects.toMatchObject({ status: 403 });
    await expect(files.restoreFile(patient, file.id)).rejects.toMatchObject({ status: 403 });
    await expect(files.deleteFilePermanently(service, file.id)).rejects.toMatchObject({ status: 403 });
    expect(actionsOf().slice(-3)).toEqual(['patient-2:update:denied', 'patient-1:restore:denied', 'service-1:delete:denied']);
  });

  it('a file that does not exist, or is in another tenant, leaves no record', async () => {
    const before = trail.records.length;
    await expect(files.getFileWithLink(otherTenant, file.id, 'https://api.example')).rejects.toMatchObject({ status: 404 });
    await expect(files.getFileWithLink(provider, '01890000-0000-7000-8000-000000000000', 'https://api.example')).rejects.toMatchObject({ status: 404 });
    expect(trail.records.length).toBe(before);
  });
});

describe('when the trail cannot be written: 503 and no other effect', () => {
  beforeEach(() => {
    trail.failing = true;
  });

  it('a read or download is not served', async () => {
    await expect(files.getFileWithLink(provider, file.id, 'https://api.example')).rejects.toMatchObject({ status: 503, code: 'unavailable' });
    await expect(files.getContent(provider, file.id, { download: false })).rejects.toMatchObject({ status: 503 });
    await expect(files.listFiles(provider, { state: 'active', includeShared: false, sort: 'createdAt', order: 'desc', limit: 25 })).rejects.toMatchObject({ status: 503 });
  });

  it('an upload leaves no object and no record', async () => {
    const before = objects();
    await expect(
      files.createFiles(patient, [{ name: 'a.txt', bytes: new TextEncoder().encode('a\n'), mimeType: 'text/plain' }], {}),
    ).rejects.toMatchObject({ status: 503 });
    expect(objects()).toEqual(before);
    expect(index.records.size).toBe(1);
    expect(events.events).toEqual([]);
  });

  it('a PUT with a client-chosen id leaves nothing, and the id is free again', async () => {
    const id = '01890000-0000-7000-8000-0000000000aa';
    const newFile = { name: 'a.txt', bytes: new TextEncoder().encode('a\n'), mimeType: 'text/plain' };
    await expect(files.putFileContent(patient, id, newFile, {})).rejects.toMatchObject({ status: 503 });
    expect(store.objects.has(contentKey('t1', id))).toBe(false);
    trail.failing = false;
    await expect(files.putFileContent(patient, id, newFile, {})).resolves.toMatchObject({ created: true });
  });

  it('an update, a rename and a share are undone: same metadata, same stored name, no event', async () => {
    const stored = structuredClone(index.records.get(`t1/${file.id}`) ?? (await index.get('t1', file.id)));
    const disposition = store.objects.get(contentKey('t1', file.id))!.headers.contentDisposition;
    await expect(files.updateFile(patient, file.id, { originalName: 'other.txt', sharedWith: ['patient-2'], description: 'y' })).rejects.toMatchObject({ status: 503 });
    // Taken back as a new version: the ETag of the unrecorded change is never valid again.
    expect(await index.get('t1', file.id)).toEqual({ ...stored, version: stored!.version + 2 });
    expect(store.objects.get(contentKey('t1', file.id))!.headers.contentDisposition).toBe(disposition);
    expect(events.events).toEqual([]);
  });

  it('an archive and a restore are undone', async () => {
    await expect(files.archiveFile(provider, file.id)).rejects.toMatchObject({ status: 503 });
    expect((await index.get('t1', file.id))!.state).toBe('active');
    trail.failing = false;
    await files.archiveFile(provider, file.id);
    trail.failing = true;
    await expect(files.restoreFile(admin, file.id)).rejects.toMatchObject({ status: 503 });
    expect((await index.get('t1', file.id))!.state).toBe('archived');
  });

  it('a permanent delete deletes nothing', async () => {
    const before = objects();
    await expect(files.deleteFilePermanently(admin, file.id)).rejects.toMatchObject({ status: 503 });
    expect(await index.get('t1', file.id)).not.toBeNull();
    expect(objects()).toEqual(before);
  });

  it('a denied attempt is 503 too (the attempt must not go unrecorded)', async () => {
    await expect(files.getFileWithLink(otherPatient, file.id, 'https://api.example')).rejects.toMatchObject({ status: 503 });
  });
});

describe('reading the trail', () => {
  const reads = () => new AuditTrailReads({ trail, sealer });
  const log = () => new AccessLog({ index, trail, auditor: new Auditor({ trail }), sealer });

  beforeEach(async () => {
    await files.getFileWithLink(provider, file.id, 'https://api.example');
    await expect(files.getFileWithLink(otherPatient, file.id, 'https://api.example')).rejects.toMatchObject({ status: 404 });
    await files.getContent(admin, file.id, { download: false });
  });

  it('admin and service only; filters combine; newest first; cursors walk every record once', async () => {
    for (const caller of [patient, provider]) await expect(reads().listEvents(caller, { limit: 50 })).rejects.toMatchObject({ status: 403 });
    const all = await reads().listEvents(service, { fileId: file.id, limit: 50 });
    expect(all.events.map((e) => e.action)).toEqual(['download', 'read', 'read', 'create']);
    const denied = await reads().listEvents(admin, { fileId: file.id, actorId: 'patient-2', limit: 50 });
    expect(denied.events).toMatchObject([{ action: 'read', outcome: 'denied' }]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await reads().listEvents(admin, { limit: 1, cursor });
      seen.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.events.map((e) => e.id));
    await expect(reads().listEvents(admin, { action: 'read', limit: 1, cursor: (await reads().listEvents(admin, { limit: 1 })).nextCursor! })).rejects.toMatchObject({ status: 422 });
  });

  it('another tenant sees none of it', async () => {
    expect((await reads().listEvents(otherTenant, { fileId: file.id, limit: 50 })).events).toEqual([]);
  });

  it('the access log: successful accesses only, no IP or agent; for the owner and staff; 404 to anyone else', async () => {
    const page = await log().accessLog(patient, file.id, { limit: 50 });
    expect(page.events).toEqual([
      { at: expect.any(String), actor: { id: 'admin-1', role: 'admin' }, action: 'download', via: 'token' },
      { at: expect.any(String), actor: { id: 'provider-1', role: 'provider' }, action: 'read', via: 'token' },
      { at: expect.any(String), actor: { id: 'patient-1', role: 'patient' }, action: 'create', via: 'token' },
    ]);
    await expect(log().accessLog(provider, file.id, { limit: 50 })).resolves.toMatchObject({ nextCursor: null });
    await files.updateFile(patient, file.id, { sharedWith: ['patient-2'] });
    await expect(log().accessLog(otherPatient, file.id, { limit: 50 })).rejects.toMatchObject({ status: 404 });
    expect(trail.of(file.id).at(-1)).toMatchObject({ actor: { id: 'patient-2' }, action: 'read', outcome: 'denied' });
    await expect(log().accessLog(otherTenant, file.id, { limit: 50 })).rejects.toMatchObject({ status: 404 });
  });

  it('the trail survives a permanent delete', async () => {
    await files.deleteFilePermanently(admin, file.id);
    const after = await reads().listEvents(admin, { fileId: file.id, limit: 50 });
    expect(after.events.map((e) => e.action)).toEqual(['delete', 'download', 'read', 'read', 'create']);
    await expect(log().accessLog(admin, file.id, { limit: 50 })).rejects.toMatchObject({ status: 404 });
  });
});
