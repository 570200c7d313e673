/**
 * Uploads: `POST /v1/files` (JSON with base64, multipart) and `PUT /v1/files/{id}/content`, with the
 * contract's checks in its order — 400 unparseable, 413 size, 415 type, 422 every other rule — and all or
 * nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  Client,
  detailPaths,
  detailText,
  expectError,
  expectFileResource,
  expectStatus,
  ISO_MS,
  newTenant,
  randomId,
  sha256,
  UUID_V7,
  type ApiResponse,
  type FileBody,
} from '../support/e2e-client.ts';
import { csv, dicom, docx, elf, exe, gif, html, jpeg, mp4, pdf, png, shellScript, svg, text, tiff, webp, zip } from '../support/e2e-files.ts';
import { decompressionBomb, heicHeaderOnly, jpegWithExif, truncatedJpeg } from '../support/images.ts';

const MiB = 1024 * 1024;
const tenant = newTenant('upload');
let provider: Client;
let patient: Client;

beforeAll(async () => {
  provider = await Client.as(tenant, 'provider-1', 'provider');
  patient = await Client.as(tenant, 'patient-1', 'patient');
});

const created = (res: ApiResponse): FileBody[] => {
  expectStatus(res, 201);
  return res.json<{ files: FileBody[] }>().files;
};

/** A fresh owner whose files nobody else uploads, to prove by listing that nothing was stored. */
const freshOwner = () => `owner-${randomId().slice(0, 8)}`;

async function storedFor(ownerId: string): Promise<FileBody[]> {
  const pages = await provider.listAll({ ownerId, state: 'all' });
  return pages.flatMap((p) => p.files);
}

async function contentOf(client: Client, id: string): Promise<Buffer> {
  const res = await client.content(id);
  expectStatus(res, 200);
  return res.bytes;
}

describe('POST /v1/files as JSON', () => {
  it('stores a batch in request order; per-file fields win over request-level ones', async () => {
    const image = await png(64, 48);
    const document = pdf('batch');
    const note = text('Visit note.\n');
    const res = await provider.uploadJson(
      [
        { name: 'scan.png', contents: image },
        { name: 'Röntgen Befund 😀.PDF', contents: document, mimeType: 'application/pdf', category: 'imaging', recordType: 'dental', description: 'per file' },
        { name: 'README', contents: note, description: null, recordType: null },
      ],
      { ownerId: 'patient-1', category: 'lab_result', recordType: 'medical', description: 'batch', entity: { type: 'visit', id: 'v-42' } },
    );
    const files = created(res);
    expect(Object.keys(res.json())).toEqual(['files']);
    expect(files).toHaveLength(3);
    files.forEach(expectFileResource);
    const [a, b, c] = files as [FileBody, FileBody, FileBody];

    expect(a.originalName).toBe('scan.png');
    expect(a).toMatchObject({ extension: 'png', mimeType: 'image/png', size: image.length, sha256: sha256(image) });
    expect(a).toMatchObject({ category: 'lab_result', recordType: 'medical', description: 'batch', entity: { type: 'visit', id: 'v-42' } });

    expect(b.originalName).toBe('Röntgen Befund 😀.PDF');
    expect(b).toMatchObject({ extension: 'pdf', mimeType: 'application/pdf', size: document.length, sha256: sha256(document) });
    expect(b).toMatchObject({ category: 'imaging', recordType: 'dental', description: 'per file', entity: { type: 'visit', id: 'v-42' } });

    expect(c).toMatchObject({ originalName: 'README', extension: '', mimeType: 'text/plain', category: 'lab_result', recordType: null, description: null });

    for (const f of files) {
      expect(f.id).toMatch(UUID_V7);
      expect(f).toMatchObject({
        tenantId: tenant,
        ownerId: 'patient-1',
        createdBy: { id: 'provider-1', role: 'provider' },
        fileRequestId: null,
        state: 'active',
        sharedWith: [],
        deletable: true,
        expiresAt: null,
      });
      expect(f.updatedAt).toBe(f.createdAt);
      expect(Math.abs(Date.parse(f.createdAt) - Date.now())).toBeLessThan(60_000);
    }
    expect(new Set(files.map((f) => f.id)).size).toBe(3);

    expect((await contentOf(provider, a.id)).equals(image)).toBe(true);
    expect((await contentOf(provider, b.id)).equals(document)).toBe(true);
    expect((await contentOf(patient, c.id)).equals(note)).toBe(true);
  });

  it('defaults: category user_document, recordType, description, entity and expiry null; owner is the caller', async () => {
    const [file] = created(await patient.uploadJson([{ name: 'IMG_0292.JPG', contents: await jpeg() }]));
    expect(file).toMatchObject({
      ownerId: 'patient-1',
      createdBy: { id: 'patient-1', role: 'patient' },
      extension: 'jpg',
      mimeType: 'image/jpeg',
      category: 'user_document',
      recordType: null,
      description: null,
      entity: null,
      expiresAt: null,
    });
  });

  it('accepts every default type, detected from the bytes', async () => {
    const samples: [string, Buffer, string][] = [
      ['photo.jpg', await jpeg(), 'image/jpeg'],
      ['scan.png', await png(), 'image/png'],
      ['pic.webp', await webp(), 'image/webp'],
      ['anim.gif', await gif(), 'image/gif'],
      ['xray.tiff', await tiff(), 'image/tiff'],
      ['phone.heic', heicHeaderOnly({ width: 40, height: 30 }), 'image/heic'],
      ['report.pdf', pdf(), 'application/pdf'],
      ['ct.dcm', dicom(), 'application/dicom'],
      ['notes.txt', text(), 'text/plain'],
      ['values.csv', csv(), 'text/csv'],
      ['letter.docx', docx(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      ['clip.mp4', mp4(), 'video/mp4'],
    ];
    const files = created(await provider.uploadJson(samples.map(([name, bytes]) => ({ name, contents: bytes }))));
    expect(files.map((f) => f.mimeType)).toEqual(samples.map(([, , type]) => type));
    expect(files.map((f) => f.size)).toEqual(samples.map(([, bytes]) => bytes.length));
  });

  it('reads image dimensions from the header, after EXIF orientation; null for non-images', async () => {
    const files = created(
      await provider.uploadJson([
        { name: 'wide.png', contents: await png(64, 48) },
        { name: 'rotated.jpg', contents: await jpegWithExif({ width: 60, height: 40, orientation: 6 }) },
        { name: 'doc.pdf', contents: pdf() },
      ]),
    );
    expect(files.map((f) => [f.imageWidth, f.imageHeight])).toEqual([[64, 48], [40, 60], [null, null]]);
  });

  it('stores a damaged or over-limit image anyway (201), with the size from its header', async () => {
    const files = created(
      await provider.uploadJson([
        { name: 'half.jpg', contents: await truncatedJpeg({ width: 320, height: 240 }) },
        { name: 'bomb.png', contents: decompressionBomb({ width: 30_000, height: 30_000 }) },
      ]),
    );
    expect(files.map((f) => f.mimeType)).toEqual(['image/jpeg', 'image/png']);
    expect(files.map((f) => [f.imageWidth, f.imageHeight])).toEqual([[320, 240], [30_000, 30_000]]);
  });

  it('accepts 20 files and refuses 21 (422) or none (422)', async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `f${i}.txt`, contents: text(`file ${i}\n`) }));
    const ownerId = freshOwner();
    const twenty = created(await provider.uploadJson(many(20), { ownerId }));
    expect(twenty.map((f) => f.originalName)).toEqual(many(20).map((f) => f.name));
    const error = expectError(await provider.uploadJson(many(21), { ownerId }), 422, 'validation_error');
    expect(detailPaths(error).some((p) => p.startsWith('files'))).toBe(true);
    expectError(await provider.uploadJson([], { ownerId }), 422, 'validation_error');
    expectError(await provider.postJson('/v1/files', { ownerId }), 422, 'validation_error');
    expect(await storedFor(ownerId)).toHaveLength(20);
  });

  it('400 for malformed JSON, an empty body and invalid base64', async () => {
    expectError(await provider.postJson('/v1/files', '{"files": [{"name": "a.txt",'), 400, 'bad_request');
    expectError(await provider.postJson('/v1/files', ''), 400, 'bad_request');
    expectError(await provider.postJson('/v1/files', "{'files': []}"), 400, 'bad_request');
    for (const contents of ['!!!!', 'aGVs bG8=', 'aGVsbG8=aGVsbG8=', '====', 'aGVsbG8*', 'äöü=']) {
      const error = expectError(await provider.uploadJson([{ name: 'a.txt', contents }]), 400, 'bad_request');
      expect(detailText(error), `contents ${contents}`).toContain('files.0.contents');
    }
  });

  it('415 for a body that is neither JSON nor multipart', async () => {
    const res = await provider.request('/v1/files', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expectError(res, 415, 'unsupported_media_type');
  });

  it('422 lists every unknown field', async () => {
    const res = await provider.postJson('/v1/files', {
      files: [{ name: 'a.txt', contents: 'aGVsbG8=', colour: 'red' }],
      foo: 1,
      bar: 'x',
    });
    const error = expectError(res, 422, 'validation_error');
    const all = detailText(error);
    for (const field of ['colour', 'foo', 'bar']) expect(all).toContain(field);
  });

  it('422 lists every offending field at once', async () => {
    const res = await provider.postJson('/v1/files', {
      files: [
        { name: 'ok.txt', contents: 'aGVsbG8=' },
        { name: '', contents: 'aGVsbG8=', category: 'nope' },
      ],
      category: 'not-a-category',
      recordType: 'veterinary',
      entity: { type: 'Visit', id: '' },
      expiryInterval: 0,
      description: 5,
      ownerId: '',
    });
    const error = expectError(res, 422, 'validation_error');
    const paths = detailPaths(error);
    for (const path of ['category', 'recordType', 'entity.type', 'entity.id', 'expiryInterval', 'description', 'ownerId', 'files.1.name', 'files.1.category']) {
      expect(paths, `details lack ${path}: ${JSON.stringify(error.details)}`).toContain(path);
    }
  });

  it('422 for names with control characters or path separators, or no name', async () => {
    const names = ['a\u0000b.txt', 'bell\u0007.txt', 'two\nlines.txt', 'tab\there.txt', 'del\u007f.txt', 'c1\u0085.txt', 'sep\u2028.txt', 'dir/file.txt', '../up.txt', 'dir\\file.txt', '', '..', '.'];
    for (const name of names) {
      const error = expectError(await provider.uploadJson([{ name, contents: text() }]), 422, 'validation_error');
      expect(detailPaths(error), JSON.stringify(name)).toContain('files.0.name');
    }
    expectError(await provider.postJson('/v1/files', { files: [{ contents: 'aGVsbG8=' }] }), 422, 'validation_error');
  });

  it('keeps Unicode names exactly as given', async () => {
    const names = ['Befund_Müller.pdf', '診断書.pdf', 'שלום.pdf', 'e\u0301te\u0301.pdf', '  spaced  name .pdf', 'quote"and\'apostrophe;.pdf'];
    const files = created(await provider.uploadJson(names.map((name) => ({ name, contents: pdf(name) }))));
    expect(files.map((f) => f.originalName)).toEqual(names);
    expect(files.map((f) => f.extension)).toEqual(names.map(() => 'pdf'));
  });

  it('expiryInterval: 1 s to 10 years; expiresAt = createdAt + expiryInterval', async () => {
    for (const seconds of [1, 3600, 315_360_000]) {
      const [file] = created(await provider.uploadJson([{ name: 'e.txt', contents: text() }], { expiryInterval: seconds }));
      expect(file!.expiresAt).toMatch(ISO_MS);
      expect(Date.parse(file!.expiresAt!) - Date.parse(file!.createdAt)).toBe(seconds * 1000);
    }
    for (const bad of [0, -5, 1.5, 11 * 366 * 86_400, '3600', null, true]) {
      const error = expectError(await provider.uploadJson([{ name: 'e.txt', contents: text() }], { expiryInterval: bad }), 422, 'validation_error');
      expect(detailPaths(error), String(bad)).toContain('expiryInterval');
    }
  });

  it('entity: type [a-z_]{1,32}, id 1–128 printable characters', async () => {
    const good = [{ type: 'visit', id: 'v-42' }, { type: 'a'.repeat(32), id: 'x'.repeat(128) }, { type: 'intake_form', id: 'Ünïcødé id 42' }];
    for (const entity of good) {
      const [file] = created(await provider.uploadJson([{ name: 'e.txt', contents: text() }], { entity }));
      expect(file!.entity).toEqual(entity);
    }
    const bad: unknown[] = [
      { type: 'Visit', id: 'v' },
      { type: 'visit-1', id: 'v' },
      { type: '', id: 'v' },
      { type: 'a'.repeat(33), id: 'v' },
      { type: 'visit', id: '' },
      { type: 'visit', id: 'x'.repeat(129) },
      { type: 'visit', id: 'bell\u0007' },
      { type: 'visit', id: 'line\nbreak' },
      { type: 'visit' },
      { id: 'v' },
      { type: 'visit', id: 'v', extra: 1 },
      'visit:v-42',
      ['visit', 'v'],
    ];
    for (const entity of bad) {
      const error = expectError(await provider.uploadJson([{ name: 'e.txt', contents: text() }], { entity }), 422, 'validation_error');
      expect(detailPaths(error).some((p) => p.startsWith('entity')), JSON.stringify(entity)).toBe(true);
    }
  });

  it('fileRequestId must name an open file request (422 otherwise)', async () => {
    for (const fileRequestId of [randomId(), 'not-a-uuid']) {
      const error = expectError(await provider.uploadJson([{ name: 'r.txt', contents: text() }], { ownerId: 'patient-1', fileRequestId }), 422, 'validation_error');
      expect(detailPaths(error)).toContain('fileRequestId');
    }
  });
});

describe('POST /v1/files as multipart/form-data', () => {
  it('stores several parts with the text fields applied to each, in order', async () => {
    const image = await png(20, 10);
    const note = text('multipart note\n');
    const document = pdf('multi');
    const res = await provider.uploadMultipart(
      [
        { name: 'Aufnahme Größe.png', bytes: image, type: 'image/png' },
        { name: 'note.txt', bytes: note, type: 'text/plain' },
        { name: 'report.pdf', bytes: document },
      ],
      { description: 'from the form', category: 'visit_note', recordType: 'hospital', ownerId: 'patient-1', entityType: 'appointment', entityId: 'a-7', expiryInterval: '3600' },
    );
    const files = created(res);
    files.forEach(expectFileResource);
    expect(files.map((f) => f.originalName)).toEqual(['Aufnahme Größe.png', 'note.txt', 'report.pdf']);
    expect(files.map((f) => f.mimeType)).toEqual(['image/png', 'text/plain', 'application/pdf']);
    for (const f of files) {
      expect(f).toMatchObject({
        description: 'from the form',
        category: 'visit_note',
        recordType: 'hospital',
        ownerId: 'patient-1',
        entity: { type: 'appointment', id: 'a-7' },
      });
      expect(Date.parse(f.expiresAt!) - Date.parse(f.createdAt)).toBe(3_600_000);
    }
    expect((await contentOf(provider, files[0]!.id)).equals(image)).toBe(true);
    expect((await contentOf(provider, files[2]!.id)).equals(document)).toBe(true);
  });

  it('refuses file names with path separators or control characters (422), storing nothing', async () => {
    const ownerId = freshOwner();
    const expect422 = (res: ApiResponse, label: string) => {
      const error = expectError(res, 422, 'validation_error');
      expect(detailPaths(error).some((p) => p.startsWith('file')), label).toBe(true);
    };
    for (const name of ['../../etc/passwd.txt', 'dir/file.txt', 'C:\\Users\\x\\file.txt']) {
      expect422(await provider.uploadMultipart([{ name, bytes: text(), type: 'text/plain' }], { ownerId }), JSON.stringify(name));
    }
    // Control characters can only travel percent-encoded (RFC 5987 filename*) in a well-formed part header.
    for (const encoded of ['bell%07.txt', 'nul%00.txt', 'line%0Abreak.txt', 'dir%2Ffile.txt', '..%5C..%5Cwin.ini']) {
      const body =
        `--XyZ\r\nContent-Disposition: form-data; name="ownerId"\r\n\r\n${ownerId}\r\n` +
        `--XyZ\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''${encoded}\r\nContent-Type: text/plain\r\n\r\nhello\n\r\n--XyZ--\r\n`;
      const res = await provider.request('/v1/files', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=XyZ' }, body });
      expect422(res, encoded);
    }
    expect(await storedFor(ownerId)).toEqual([]);
  });

  it('422 lists every offending text field, entity fields included', async () => {
    const res = await provider.uploadMultipart([{ name: 'a.txt', bytes: text(), type: 'text/plain' }], {
      category: 'nope',
      recordType: 'nope',
      expiryInterval: 'abc',
      entityType: 'Bad-Type',
      entityId: 'ok',
      colour: 'red',
    });
    const error = expectError(res, 422, 'validation_error');
    const all = detailText(error);
    for (const field of ['category', 'recordType', 'expiryInterval', 'colour']) expect(all).toContain(field);
    expect(detailPaths(error).some((p) => p.startsWith('entity')), all).toBe(true);
  });

  it('422 for entityType without entityId, for expiryInterval out of range, and without any file part', async () => {
    const file = [{ name: 'a.txt', bytes: text(), type: 'text/plain' }];
    expectError(await provider.uploadMultipart(file, { entityType: 'visit' }), 422, 'validation_error');
    expectError(await provider.uploadMultipart(file, { expiryInterval: '0' }), 422, 'validation_error');
    expectError(await provider.uploadMultipart(file, { expiryInterval: '999999999999' }), 422, 'validation_error');
    expectError(await provider.uploadMultipart([], { description: 'no file' }), 422, 'validation_error');
  });

  it('422 for 21 parts', async () => {
    const ownerId = freshOwner();
    const parts = Array.from({ length: 21 }, (_, i) => ({ name: `p${i}.txt`, bytes: text(`part ${i}\n`), type: 'text/plain' }));
    expectError(await provider.uploadMultipart(parts, { ownerId }), 422, 'validation_error');
    expect(await storedFor(ownerId)).toEqual([]);
  });

  it('400 for broken multipart', async () => {
    const post = (contentType: string, body: string) => provider.request('/v1/files', { method: 'POST', headers: { 'content-type': contentType }, body });
    expectError(await post('multipart/form-data', '--x\r\n'), 400, 'bad_request');
    const unterminated = '--b0und\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello';
    expectError(await post('multipart/form-data; boundary=b0und', unterminated), 400, 'bad_request');
    expectError(await post('multipart/form-data; boundary=b0und', 'no boundary in here'), 400, 'bad_request');
  });
});

describe('PUT /v1/files/{id}/content', () => {
  it('201 when new, 200 with the same file when the bytes are the same, 409 when they differ', async () => {
    const id = randomId();
    const bytes = pdf('put');
    const first = await provider.put(id, bytes, {
      contentType: 'application/pdf',
      query: { name: 'Überweisung.pdf', ownerId: 'patient-1', category: 'prescription', recordType: 'pharmacy', description: 'via PUT', entityType: 'visit', entityId: 'v-1' },
    });
    expectStatus(first, 201);
    const file = first.json<FileBody>();
    expectFileResource(file);
    expect(file).toMatchObject({
      id,
      originalName: 'Überweisung.pdf',
      extension: 'pdf',
      mimeType: 'application/pdf',
      ownerId: 'patient-1',
      category: 'prescription',
      recordType: 'pharmacy',
      description: 'via PUT',
      entity: { type: 'visit', id: 'v-1' },
      sha256: sha256(bytes),
      size: bytes.length,
    });
    expect(first.headers.get('etag')).toBeTruthy();

    const again = await provider.put(id, bytes, { contentType: 'application/pdf', query: { name: 'Überweisung.pdf', ownerId: 'patient-1' } });
    expectStatus(again, 200);
    expect(again.json<FileBody>()).toMatchObject({ id, createdAt: file.createdAt, sha256: file.sha256 });

    const different = await provider.put(id, pdf('other bytes'), { contentType: 'application/pdf', query: { name: 'Überweisung.pdf', ownerId: 'patient-1' } });
    expectError(different, 409, 'conflict');
    expect((await contentOf(provider, id)).equals(bytes)).toBe(true);
  });

  it('the same client-chosen id is safe to retry concurrently: one 201, the rest 200', async () => {
    const id = randomId();
    const bytes = await png(30, 30);
    const results = await Promise.all(Array.from({ length: 4 }, () => provider.put(id, bytes, { contentType: 'image/png', query: { name: 'retry.png' } })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses, results.map((r) => r.text).join('\n')).toEqual([200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.json<FileBody>().id))).toEqual(new Set([id]));
  });

  it('takes expiryInterval as a query parameter; a patient uploads for itself', async () => {
    const res = await patient.put(randomId(), await png(8, 8), { contentType: 'image/png', query: { name: 'selfie.png', expiryInterval: '3600', category: 'user_avatar' } });
    expectStatus(res, 201);
    const file = res.json<FileBody>();
    expect(file).toMatchObject({ ownerId: 'patient-1', createdBy: { id: 'patient-1', role: 'patient' }, category: 'user_avatar', deletable: true });
    expect(Date.parse(file.expiresAt!) - Date.parse(file.createdAt)).toBe(3_600_000);
  });

  it('detects the type when no Content-Type is sent', async () => {
    const res = await provider.put(randomId(), await jpeg(), { query: { name: 'photo.jpeg' } });
    expectStatus(res, 201);
    expect(res.json<FileBody>().mimeType).toBe('image/jpeg');
  });

  it('422 without a name, with a bad name, or with bad metadata (every field listed)', async () => {
    expect(detailPaths(expectError(await provider.put(randomId(), text(), { contentType: 'text/plain' }), 422, 'validation_error'))).toContain('name');
    for (const name of ['a/b.txt', 'a\\b.txt', 'nul\u0000.txt', '']) {
      expect(detailPaths(expectError(await provider.put(randomId(), text(), { contentType: 'text/plain', query: { name } }), 422, 'validation_error'))).toContain('name');
    }
    const error = expectError(
      await provider.put(randomId(), text(), { contentType: 'text/plain', query: { name: 'a.txt', category: 'nope', recordType: 'nope', expiryInterval: '-1' } }),
      422,
      'validation_error',
    );
    for (const field of ['category', 'recordType', 'expiryInterval']) expect(detailPaths(error)).toContain(field);
  });

  it('stores text bytes exactly as sent, or refuses them', async () => {
    const latin1 = Buffer.from('Befund: Gr\xf6\xdfe 5 cm, \xe4rztlich best\xe4tigt\n', 'latin1');
    const res = await provider.put(randomId(), latin1, { contentType: 'text/plain', query: { name: 'latin1.txt' } });
    if (res.status === 415) return expectError(res, 415, 'unsupported_media_type');
    expectStatus(res, 201);
    const file = res.json<FileBody>();
    expect(file.sha256, 'the stored text differs from the bytes sent').toBe(sha256(latin1));
    expect((await contentOf(provider, file.id)).equals(latin1)).toBe(true);
  });
});

describe('types that are refused (415)', () => {
  const refused: [string, () => Promise<Buffer> | Buffer, string | undefined, string][] = [
    ['HTML', html, 'text/html', 'page.html'],
    ['HTML declared as text/plain', html, 'text/plain', 'page.txt'],
    ['HTML undeclared', html, undefined, 'notes.txt'],
    ['SVG', svg, 'image/svg+xml', 'logo.svg'],
    ['SVG declared as text/plain', svg, 'text/plain', 'logo.txt'],
    ['a shell script', shellScript, undefined, 'run.sh'],
    ['a shell script declared as text/plain', shellScript, 'text/plain', 'run.txt'],
    ['JavaScript declared as such', () => text('alert(document.cookie)\n'), 'application/javascript', 'x.js'],
    ['an ELF executable', elf, undefined, 'tool'],
    ['an ELF executable declared as PDF', elf, 'application/pdf', 'tool.pdf'],
    ['a Windows executable', exe, undefined, 'setup.exe'],
    ['a Windows executable declared as octet-stream', exe, 'application/octet-stream', 'setup.bin'],
    ['a ZIP archive', () => zip(), 'application/zip', 'archive.zip'],
    ['a ZIP archive undeclared', () => zip(), undefined, 'archive.zip'],
    ['PNG bytes declared as JPEG', () => png(), 'image/jpeg', 'photo.jpg'],
    ['PDF bytes declared as PNG', () => pdf(), 'image/png', 'scan.png'],
    ['text declared as PDF', () => text(), 'application/pdf', 'report.pdf'],
    ['JPEG bytes declared as text', () => jpeg(), 'text/plain', 'photo.txt'],
    ['binary noise', () => Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 0, 9, 8, 7]), undefined, 'noise.bin'],
  ];

  for (const [name, make, declared, fileName] of refused) {
    it(`${name}: JSON, multipart and PUT all refuse it`, async () => {
      const bytes = await make();
      const ownerId = freshOwner();
      const json = await provider.uploadJson([{ name: fileName, contents: bytes, ...(declared ? { mimeType: declared } : {}) }], { ownerId });
      expect(detailPaths(expectError(json, 415, 'unsupported_media_type')).some((p) => p.startsWith('files.0'))).toBe(true);
      expectError(await provider.uploadMultipart([{ name: fileName, bytes, type: declared }], { ownerId }), 415, 'unsupported_media_type');
      expectError(await provider.put(randomId(), bytes, { contentType: declared, query: { name: fileName, ownerId } }), 415, 'unsupported_media_type');
      expect(await storedFor(ownerId)).toEqual([]);
    });
  }

  it('names every refused file of a batch in details', async () => {
    const res = await provider.uploadJson([
      { name: 'ok.pdf', contents: pdf() },
      { name: 'bad.html', contents: html() },
      { name: 'ok.png', contents: await png() },
      { name: 'bad.exe', contents: exe() },
    ]);
    const paths = detailPaths(expectError(res, 415, 'unsupported_media_type'));
    expect(paths.some((p) => p.startsWith('files.1'))).toBe(true);
    expect(paths.some((p) => p.startsWith('files.3'))).toBe(true);
    expect(paths.some((p) => p.startsWith('files.0') || p.startsWith('files.2'))).toBe(false);
  });
});

describe('empty files (422 whatever the type)', () => {
  for (const declared of [undefined, 'image/png', 'application/pdf', 'text/plain', 'text/html', 'application/x-msdownload']) {
    it(`empty, declared ${declared ?? 'nothing'}: 422 on JSON, multipart and PUT`, async () => {
      const empty = Buffer.alloc(0);
      const json = await provider.uploadJson([{ name: 'empty.png', contents: empty, ...(declared ? { mimeType: declared } : {}) }]);
      expect(detailPaths(expectError(json, 422, 'validation_error')).some((p) => p.startsWith('files.0'))).toBe(true);
      expectError(await provider.uploadMultipart([{ name: 'empty.png', bytes: empty, type: declared }]), 422, 'validation_error');
      expectError(await provider.put(randomId(), empty, { contentType: declared, query: { name: 'empty.png' } }), 422, 'validation_error');
    });
  }
});

describe('size limit (413) and the order of the checks', () => {
  const limitNames = (res: ApiResponse) => {
    const error = expectError(res, 413, 'payload_too_large');
    expect(error.message).toContain('POST /v1/uploads');
  };

  it('accepts exactly 4 MiB of decoded bytes', async () => {
    const [file] = created(await provider.uploadJson([{ name: 'big.txt', contents: Buffer.alloc(4 * MiB, 'a') }]));
    expect(file!.size).toBe(4 * MiB);
  });

  it('413 over 4 MiB per request: one file, several files, multipart, PUT', async () => {
    const ownerId = freshOwner();
    limitNames(await provider.uploadJson([{ name: 'big.txt', contents: Buffer.alloc(4 * MiB + 1, 'a') }], { ownerId }));
    const third = Buffer.alloc(Math.ceil(1.5 * MiB), 'b');
    limitNames(await provider.uploadJson([1, 2, 3].map((i) => ({ name: `part${i}.txt`, contents: third })), { ownerId }));
    limitNames(await provider.uploadMultipart([1, 2, 3].map((i) => ({ name: `part${i}.txt`, bytes: third, type: 'text/plain' })), { ownerId }));
    limitNames(await provider.put(randomId(), Buffer.alloc(4 * MiB + 1, 'c'), { contentType: 'text/plain', query: { name: 'big.txt', ownerId } }));
    expect(await storedFor(ownerId)).toEqual([]);
  });

  it('413 for a request body over the 6 MB gateway limit, and the connection stays usable', async () => {
    const ownerId = freshOwner();
    const huge = Buffer.alloc(8 * MiB, 'd');
    const networkError = (what: string) => (error: Error & { cause?: { code?: string } }): never => {
      throw new Error(`${what}: ${error.cause?.code ?? error.message}`);
    };
    const sends: (() => Promise<ApiResponse>)[] = [
      () => provider.put(randomId(), huge, { contentType: 'text/plain', query: { name: 'huge.txt', ownerId } }),
      () => provider.uploadJson([{ name: 'huge.txt', contents: huge }], { ownerId }),
    ];
    for (const send of sends) {
      limitNames(await send().catch(networkError('no 413 answer, the connection failed instead')));
      // fetch keeps connections alive: the next request goes over the same connection.
      const next = await call('/v1/health').catch(networkError('the request after a 413 failed: the runtime left the connection unusable'));
      expectStatus(next, 200);
    }
    expect(await storedFor(ownerId)).toEqual([]);
  });

  it('413 comes before 415: an oversized HTML file', async () => {
    const page = Buffer.concat([html(), Buffer.alloc(4 * MiB, ' ')]);
    limitNames(await provider.uploadJson([{ name: 'page.html', contents: page, mimeType: 'text/html' }]));
    limitNames(await provider.put(randomId(), page, { contentType: 'text/html', query: { name: 'page.html' } }));
  });

  it('413 comes before 422: an oversized file with a bad name and bad metadata', async () => {
    limitNames(await provider.uploadJson([{ name: 'bad/name.txt', contents: Buffer.alloc(4 * MiB + 10, 'a') }], { category: 'nope' }));
  });

  it('415 comes before 422: an HTML file with a bad name, bad metadata, and an empty neighbour', async () => {
    const res = await provider.uploadJson(
      [
        { name: 'bad/name.html', contents: html(), mimeType: 'text/html' },
        { name: 'empty.txt', contents: Buffer.alloc(0) },
      ],
      { category: 'nope', expiryInterval: 0 },
    );
    expectError(res, 415, 'unsupported_media_type');
    expectError(await provider.put(randomId(), html(), { contentType: 'text/html', query: { name: 'bad/name.html', category: 'nope' } }), 415, 'unsupported_media_type');
  });
});

describe('all or nothing', () => {
  it('a batch with one refused file stores none of its files', async () => {
    const ownerId = freshOwner();
    const ok = [
      { name: 'a.pdf', contents: pdf('a') },
      { name: 'b.png', contents: await png() },
    ];
    expectError(await provider.uploadJson([...ok, { name: 'c.html', contents: html() }], { ownerId }), 415, 'unsupported_media_type');
    expectError(await provider.uploadJson([...ok, { name: 'c/d.txt', contents: text() }], { ownerId }), 422, 'validation_error');
    expectError(await provider.uploadJson([...ok, { name: 'bad\ud800.txt', contents: text() }], { ownerId }), 422, 'validation_error');
    expectError(await provider.uploadJson([...ok, { name: 'c.txt', contents: Buffer.alloc(0) }], { ownerId }), 422, 'validation_error');
    expectError(await provider.uploadJson([...ok, { name: 'c.txt', contents: '@@@' }], { ownerId }), 400, 'bad_request');
    expectError(await provider.uploadJson([...ok, { name: 'c.txt', contents: text(), category: 'nope' }], { ownerId }), 422, 'validation_error');
    expectError(
      await provider.uploadMultipart([{ name: 'a.pdf', bytes: pdf() }, { name: 'b.svg', bytes: svg(), type: 'image/svg+xml' }], { ownerId }),
      415,
      'unsupported_media_type',
    );
    expect(await storedFor(ownerId)).toEqual([]);
    created(await provider.uploadJson(ok, { ownerId }));
    expect(await storedFor(ownerId)).toHaveLength(2);
  });
});
