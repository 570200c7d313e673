/**
 * `PATCH /v1/files/{id}`: every field, rename and the download name, ETags and If-Match, sharing (read only
 * for the other patient), and the request's own errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  Client,
  detailPaths,
  detailText,
  expectError,
  expectStatus,
  newTenant,
  type FileBody,
} from '../support/e2e-client.ts';
import { pdf, png } from '../support/e2e-files.ts';

const tenant = newTenant('patch');
let provider: Client;
let p1: Client;
let p2: Client;

beforeAll(async () => {
  [provider, p1, p2] = await Promise.all([
    Client.as(tenant, 'provider-1', 'provider'),
    Client.as(tenant, 'patient-1', 'patient'),
    Client.as(tenant, 'patient-2', 'patient'),
  ]);
});

const etagOf = async (client: Client, id: string) => {
  const res = await client.get(id);
  expectStatus(res, 200);
  return res.headers.get('etag')!;
};

describe('fields', () => {
  it('changes each field; createdAt stays, updatedAt moves, the ETag changes every time', async () => {
    const file = await provider.createFile('visit.pdf', pdf('patch'), { ownerId: 'patient-1' });
    const etags = new Set([await etagOf(provider, file.id)]);
    const patches: [Record<string, unknown>, Partial<FileBody>][] = [
      [{ description: 'first visit' }, { description: 'first visit' }],
      [{ description: null }, { description: null }],
      [{ category: 'visit_note' }, { category: 'visit_note' }],
      [{ recordType: 'hospital' }, { recordType: 'hospital' }],
      [{ recordType: null }, { recordType: null }],
      [{ entity: { type: 'appointment', id: 'ap-9' } }, { entity: { type: 'appointment', id: 'ap-9' } }],
      [{ entity: null }, { entity: null }],
      [{ sharedWith: ['patient-2', 'caregiver-7'] }, { sharedWith: ['patient-2', 'caregiver-7'] }],
      [{ originalName: 'Visite 2026.PDF' }, { originalName: 'Visite 2026.PDF', extension: 'pdf' }],
      [{ description: 'both', category: 'other' }, { description: 'both', category: 'other' }],
    ];
    let previous = file;
    for (const [patch, expected] of patches) {
      const res = await provider.patch(file.id, patch);
      expectStatus(res, 200);
      const updated = res.json<FileBody>();
      expect(updated, JSON.stringify(patch)).toMatchObject({ ...expected, id: file.id, createdAt: file.createdAt, sha256: file.sha256 });
      expect(updated.updatedAt >= previous.updatedAt).toBe(true);
      const etag = res.headers.get('etag');
      expect(etag, 'PATCH answers the new ETag').toMatch(/^(W\/)?"[^"]+"$/);
      expect(etags.has(etag!), `ETag did not change after ${JSON.stringify(patch)}`).toBe(false);
      etags.add(etag!);
      expect(await etagOf(provider, file.id)).toBe(etag);
      // The stored state is what the PATCH answered.
      expect((await provider.get(file.id)).json<FileBody>()).toMatchObject(expected);
      previous = updated;
    }
    expect(previous.updatedAt > file.updatedAt).toBe(true);
    // Fields not patched are untouched.
    expect(previous).toMatchObject({ ownerId: 'patient-1', createdBy: file.createdBy, size: file.size, mimeType: 'application/pdf' });
  });

  it('a name or description with a lone surrogate is 422 and changes nothing (issue 8: it was a 500)', async () => {
    const file = await provider.createFile('before.pdf', pdf(), { ownerId: 'patient-1' });
    const refused = await provider.patch(file.id, { originalName: 'bad\ud800.pdf' });
    expect(expectError(refused, 422, 'validation_error').details).toEqual([
      { path: 'originalName', message: 'must be well-formed Unicode (no lone surrogates)' },
    ]);
    expectError(await provider.patch(file.id, { description: 'x\udfff' }), 422, 'validation_error');
    expect((await provider.get(file.id)).json<FileBody>()).toMatchObject({ originalName: 'before.pdf', description: null });
  });

  it('rename changes the download name of the content and of new links; the bytes stay', async () => {
    const bytes = await png(12, 12);
    const file = await provider.createFile('old-name.png', bytes, { ownerId: 'patient-1' });
    const renamed = await provider.patch(file.id, { originalName: 'Neuer Name ✓.jpeg' });
    expectStatus(renamed, 200);
    expect(renamed.json<FileBody>()).toMatchObject({ originalName: 'Neuer Name ✓.jpeg', extension: 'jpeg', mimeType: 'image/png' });

    const content = await provider.content(file.id, { download: 'true' });
    expectStatus(content, 200);
    expect(content.bytes.equals(bytes)).toBe(true);
    const disposition = content.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment/);
    expect(decodeURIComponent(/filename\*=UTF-8''([^;\s]+)/i.exec(disposition)![1]!)).toBe('Neuer Name ✓.jpeg');
    expect(disposition).not.toContain('old-name');

    const { downloadUrl } = (await p1.get(file.id)).json<FileBody>();
    const viaLink = await call(downloadUrl!);
    expectStatus(viaLink, 200);
    expect(viaLink.headers.get('content-disposition')).toMatch(/^inline/);
    expect(viaLink.headers.get('content-disposition')).not.toContain('old-name');
    expect(viaLink.bytes.equals(bytes)).toBe(true);
  });

  it('the content ETag follows the metadata ETag', async () => {
    const file = await provider.createFile('etag.pdf', pdf('etag'), { ownerId: 'patient-1' });
    const before = (await provider.content(file.id)).headers.get('etag');
    const res = await provider.patch(file.id, { description: 'changed' });
    expectStatus(res, 200);
    const after = (await provider.content(file.id)).headers.get('etag');
    expect(after).not.toBe(before);
    expect(after).toBe(res.headers.get('etag'));
  });
});

describe('If-Match', () => {
  it('the current ETag → 200; a stale one → 412 and nothing changes; * → 200', async () => {
    const file = await provider.createFile('cond.pdf', pdf('cond'), { ownerId: 'patient-1' });
    const first = await etagOf(provider, file.id);
    const ok = await provider.patch(file.id, { description: 'one' }, { 'if-match': first });
    expectStatus(ok, 200);
    const second = ok.headers.get('etag')!;

    const stale = await provider.patch(file.id, { description: 'lost update' }, { 'if-match': first });
    expectError(stale, 412, 'precondition_failed');
    expect((await provider.get(file.id)).json<FileBody>().description).toBe('one');
    expect(await etagOf(provider, file.id)).toBe(second);

    expectError(await provider.patch(file.id, { description: 'x' }, { 'if-match': '"not-an-etag"' }), 412, 'precondition_failed');
    expectStatus(await provider.patch(file.id, { description: 'listed' }, { 'if-match': `"nope", ${second}` }), 200);
    expectStatus(await provider.patch(file.id, { description: 'any' }, { 'if-match': '*' }), 200);
    expect((await provider.get(file.id)).json<FileBody>().description).toBe('any');
  });

  it('of two writers holding the same ETag, exactly one wins', async () => {
    const file = await provider.createFile('race.pdf', pdf('race'), { ownerId: 'patient-1' });
    const etag = await etagOf(provider, file.id);
    const results = await Promise.all(
      ['writer A', 'writer B', 'writer C'].map((description) => provider.patch(file.id, { description }, { 'if-match': etag })),
    );
    expect(results.map((r) => r.status).sort(), results.map((r) => r.text).join('\n')).toEqual([200, 412, 412]);
    const winner = results.find((r) => r.status === 200)!.json<FileBody>().description;
    expect((await provider.get(file.id)).json<FileBody>().description).toBe(winner);
  });
});

describe('sharing', () => {
  it('sharedWith gives another patient read access but not write access', async () => {
    const bytes = pdf('shared');
    const file = await p1.createFile('shared.pdf', bytes);
    expectError(await p2.get(file.id), 404, 'not_found');

    const shared = await p1.patch(file.id, { sharedWith: ['patient-2'] });
    expectStatus(shared, 200);
    expect(shared.json<FileBody>().sharedWith).toEqual(['patient-2']);

    const seen = await p2.get(file.id);
    expectStatus(seen, 200);
    expect(seen.json<FileBody>()).toMatchObject({ ownerId: 'patient-1', deletable: false });
    const content = await p2.content(file.id);
    expectStatus(content, 200);
    expect(content.bytes.equals(bytes)).toBe(true);
    expectStatus(await call(seen.json<FileBody>().downloadUrl!), 200);
    const listed = (await p2.listAll({ includeShared: 'true' })).flatMap((p) => p.files.map((f) => f.id));
    expect(listed).toContain(file.id);
    const notListed = (await p2.listAll()).flatMap((p) => p.files.map((f) => f.id));
    expect(notListed).not.toContain(file.id);

    expectError(await p2.patch(file.id, { description: 'mine now' }), 403, 'forbidden');
    expectError(await p2.patch(file.id, { sharedWith: ['patient-2', 'patient-3'] }), 403, 'forbidden');
    expectError(await p2.archive(file.id), 403, 'forbidden');
    expect((await p1.get(file.id)).json<FileBody>()).toMatchObject({ description: null, sharedWith: ['patient-2'], state: 'active' });

    expectStatus(await p1.patch(file.id, { sharedWith: [] }), 200);
    expectError(await p2.get(file.id), 404, 'not_found');
    expectError(await p2.content(file.id), 404, 'not_found');
    const afterUnshare = (await p2.listAll({ includeShared: 'true' })).flatMap((p) => p.files.map((f) => f.id));
    expect(afterUnshare).not.toContain(file.id);
  });

  it("a patient's PATCH of another patient's file is 404", async () => {
    const file = await p1.createFile('private.png', await png());
    expectError(await p2.patch(file.id, { description: 'x' }), 404, 'not_found');
    expect((await p1.get(file.id)).json<FileBody>().description).toBeNull();
  });

  it('a patient may rename, describe and share its own file', async () => {
    const file = await p1.createFile('mine.pdf', pdf('mine'));
    const res = await p1.patch(file.id, { originalName: 'meins.pdf', description: 'Befund', sharedWith: ['patient-2'], category: 'lab_result' });
    expectStatus(res, 200);
    expect(res.json<FileBody>()).toMatchObject({ originalName: 'meins.pdf', description: 'Befund', sharedWith: ['patient-2'], category: 'lab_result' });
  });
});

describe('request errors', () => {
  let id: string;
  beforeAll(async () => {
    id = (await provider.createFile('errors.pdf', pdf('errors'), { ownerId: 'patient-1' })).id;
  });

  it('400 for malformed JSON', async () => {
    expectError(await provider.patch(id, '{"description": '), 400, 'bad_request');
  });

  it('415 for a body that is not JSON', async () => {
    const res = await provider.request(`/v1/files/${id}`, { method: 'PATCH', headers: { 'content-type': 'text/plain' }, body: 'description=x' });
    expectError(res, 415, 'unsupported_media_type');
  });

  it('422 lists every offending field, unknown ones included', async () => {
    const res = await provider.patch(id, {
      originalName: 'a/b.pdf',
      category: 'nope',
      recordType: 'nope',
      entity: { type: 'Visit', id: '' },
      sharedWith: 'patient-2',
      description: 42,
      ownerId: 'patient-2',
      state: 'archived',
    });
    const error = expectError(res, 422, 'validation_error');
    const paths = detailPaths(error);
    for (const path of ['originalName', 'category', 'recordType', 'entity.type', 'entity.id', 'sharedWith', 'description']) {
      expect(paths, JSON.stringify(error.details)).toContain(path);
    }
    expect(detailText(error)).toContain('ownerId');
    expect(detailText(error)).toContain('state');
    expect((await provider.get(id)).json<FileBody>()).toMatchObject({ originalName: 'errors.pdf', category: 'user_document', ownerId: 'patient-1', state: 'active' });
  });

  it('422 for names with control characters or separators', async () => {
    for (const originalName of ['', 'a\u0000.pdf', 'line\nbreak.pdf', 'back\\slash.pdf', '../x.pdf', '..']) {
      expect(detailPaths(expectError(await provider.patch(id, { originalName }), 422, 'validation_error'))).toContain('originalName');
    }
  });

  it('422 for a body that is not an object', async () => {
    for (const body of ['[]', 'null', '"x"', '42']) expectError(await provider.patch(id, body), 422, 'validation_error');
  });
});
