/**
 * The three upload bodies (shared/http/uploads.ts): JSON with base64, multipart, and the raw PUT, each read into
 * files and options, and each checked in the contract's order: unparseable 400, too large 413, wrong type 415,
 * then every other rule in one 422 (API.md, "Errors").
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALLOWED_TYPES } from '../../../shared/config.ts';
import type { AppError } from '../../../shared/domain/errors.ts';
import { readJsonUpload, readMultipartUpload, readRawUpload } from '../../../shared/http/uploads.ts';
import { apiEvent, multipartEvent, type FormPart } from '../../support/api-events.ts';

const limits = { inlineUploadMaxBytes: 64, allowedTypes: new Set(DEFAULT_ALLOWED_TYPES.split(',')) };
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n', 'latin1');
const HTML = Buffer.from('<html><script>alert(1)</script></html>');
const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64');

/** The AppError a read rejected with; fails the test when it resolved. */
async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as AppError,
  );
  expect(error, 'the upload was accepted').toBeDefined();
  return error!;
}

const paths = (error: AppError) => error.details.map((d) => d.path).sort();

describe('readJsonUpload', () => {
  const jsonEvent = (body: unknown) => apiEvent({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('reads each file (decoded bytes, detected type, per-file metadata) and the shared options', async () => {
    const read = await readJsonUpload(
      jsonEvent({
        ownerId: 'patient-1',
        entity: { type: 'visit', id: 'v-42' },
        expiryInterval: 3600,
        files: [
          { name: 'scan.pdf', contents: b64(PDF), mimeType: 'application/pdf', category: 'lab_result', recordType: 'medical' },
          { name: 'note.txt', contents: b64('hello'), description: 'from the visit' },
        ],
      }),
      { ...limits, inlineUploadMaxBytes: 1024 },
    );
    expect(read.options).toEqual({ ownerId: 'patient-1', entity: { type: 'visit', id: 'v-42' }, expiryInterval: 3600 });
    expect(read.files).toEqual([
      { name: 'scan.pdf', bytes: PDF, mimeType: 'application/pdf', description: undefined, category: 'lab_result', recordType: 'medical' },
      { name: 'note.txt', bytes: Buffer.from('hello'), mimeType: 'text/plain', description: 'from the visit', category: undefined, recordType: undefined },
    ]);
  });

  it('is 400 for a body that is not JSON, and for contents that are not base64', async () => {
    expect((await refusal(readJsonUpload(apiEvent({ body: '{"files":' }), limits))).status).toBe(400);
    const error = await refusal(readJsonUpload(jsonEvent({ files: [{ name: 'a.txt', contents: 'not base64!' }] }), limits));
    expect(error).toMatchObject({ status: 400, details: [{ path: 'files.0.contents', message: 'is not valid base64' }] });
  });

  it('is 413 when the decoded files add up to more than the limit, before any other rule', async () => {
    const half = b64('x'.repeat(32));
    await expect(readJsonUpload(jsonEvent({ files: [{ name: 'a.txt', contents: half }, { name: 'b.txt', contents: half }] }), limits)).resolves.toBeDefined();
    const error = await refusal(
      readJsonUpload(jsonEvent({ bogus: 1, files: [{ contents: half, mimeType: 'text/html' }, { name: 'b.txt', contents: b64('x'.repeat(33)) }] }), limits),
    );
    expect(error.status).toBe(413);
  });

  it('is 415 for every file of a refused type, before the other rules', async () => {
    const error = await refusal(
      readJsonUpload(
        jsonEvent({ bogus: 1, files: [{ name: 'page.txt', contents: b64(HTML) }, { contents: b64(PDF), mimeType: 'image/png' }] }),
        { ...limits, inlineUploadMaxBytes: 1024 },
      ),
    );
    expect(error.status).toBe(415);
    expect(paths(error)).toEqual(['files.0', 'files.1']);
  });

  it('lists every other broken rule in one 422, empty files included', async () => {
    const error = await refusal(
      readJsonUpload(jsonEvent({ bogus: 1, category: 'nope', files: [{ name: 'a/b.txt', contents: b64('x') }, { name: 'empty.txt', contents: '' }] }), limits),
    );
    expect(error).toMatchObject({ status: 422, code: 'validation_error' });
    expect(paths(error)).toEqual(['(body)', 'category', 'files.0.name', 'files.1.contents']);
  });

  it('refuses more than 20 files before decoding or sniffing any (issue 8: bound the work by the input first)', async () => {
    // '@' is not base64: decoding any entry would answer 400. The count is checked first: 422 on `files`.
    const error = await refusal(readJsonUpload(jsonEvent({ files: Array.from({ length: 250_000 }, () => ({ contents: '@' })) }), limits));
    expect(error.status).toBe(422);
    expect(error.details).toEqual([{ path: 'files', message: 'must hold at most 20 files' }]);
  });

  it('is 422 for a file name with a lone surrogate (it cannot be encoded in a header), before anything is written', async () => {
    const error = await refusal(readJsonUpload(jsonEvent({ files: [{ name: 'ok.pdf', contents: b64(PDF) }, { name: 'bad\ud800.pdf', contents: b64(PDF) }] }), { ...limits, inlineUploadMaxBytes: 4096 }));
    expect(error.status).toBe(422);
    expect(error.details).toEqual([{ path: 'files.1.name', message: 'must be well-formed Unicode (no lone surrogates)' }]);
  });

  it('is 422 for a JSON body without files', async () => {
    for (const body of [{}, { files: [] }, [], 'text']) {
      const error = await refusal(readJsonUpload(jsonEvent(body), limits));
      expect(error.status).toBe(422);
    }
  });
});

describe('readMultipartUpload', () => {
  const part = (filename: string, value: string | Buffer, type = ''): FormPart => ({ name: 'file', value, filename, type });

  it('reads the files and turns the text fields into options (entity, expiry as a number)', async () => {
    const event = await multipartEvent([
      part('scan.pdf', PDF, 'application/pdf'),
      part('note.txt', 'hello', 'text/plain'),
      { name: 'ownerId', value: 'patient-1' },
      { name: 'entityType', value: 'visit' },
      { name: 'entityId', value: 'v-42' },
      { name: 'expiryInterval', value: '3600' },
      { name: 'category', value: 'imaging' },
    ]);
    const read = await readMultipartUpload(event, { ...limits, inlineUploadMaxBytes: 1024 });
    expect(read.files).toEqual([
      { name: 'scan.pdf', bytes: PDF, mimeType: 'application/pdf' },
      { name: 'note.txt', bytes: Buffer.from('hello'), mimeType: 'text/plain' },
    ]);
    expect(read.options).toEqual({ ownerId: 'patient-1', entity: { type: 'visit', id: 'v-42' }, expiryInterval: 3600, category: 'imaging' });
  });

  it('is 413 over the limit and 415 for a refused type, each before the other rules', async () => {
    const big = await multipartEvent([part('a.txt', 'x'.repeat(65)), { name: 'bogus', value: '1' }]);
    expect((await refusal(readMultipartUpload(big, limits))).status).toBe(413);
    const html = await multipartEvent([part('page.txt', HTML, 'text/plain'), { name: 'bogus', value: '1' }]);
    const error = await refusal(readMultipartUpload(html, limits));
    expect(error).toMatchObject({ status: 415, details: [{ path: 'file.0' }] });
  });

  it('lists every other broken rule in one 422', async () => {
    const event = await multipartEvent([
      part('../a.txt', 'x'),
      part('empty.txt', ''),
      { name: 'entityType', value: 'visit' },
      { name: 'expiryInterval', value: 'soon' },
      { name: 'bogus', value: '1' },
    ]);
    const error = await refusal(readMultipartUpload(event, limits));
    expect(error.status).toBe(422);
    expect(paths(error)).toEqual(['(body)', 'entity.id', 'expiryInterval', 'file.0.filename', 'file.1']);
  });

  it('is 422 without a part named "file"', async () => {
    const error = await refusal(readMultipartUpload(await multipartEvent([{ name: 'ownerId', value: 'p' }]), limits));
    expect(error).toMatchObject({ status: 422, details: [{ path: 'file', message: 'send at least one part named "file"' }] });
  });
});

describe('readRawUpload', () => {
  const rawEvent = (body: Buffer, query: Record<string, string>, contentType?: string) =>
    apiEvent({ headers: contentType ? { 'content-type': contentType } : {}, body, query });

  it('reads the body as the file, its name and metadata from the query', async () => {
    const read = await readRawUpload(rawEvent(PDF, { name: 'scan.pdf', ownerId: 'patient-1', recordType: 'dental' }, 'application/pdf'), limits);
    expect(read).toEqual({ file: { name: 'scan.pdf', bytes: PDF, mimeType: 'application/pdf' }, options: { ownerId: 'patient-1', recordType: 'dental', entity: undefined } });
  });

  it('detects the type when none is declared', async () => {
    expect((await readRawUpload(rawEvent(PDF, { name: 'scan' }), limits)).file.mimeType).toBe('application/pdf');
  });

  it('is 413 over the limit, then 415 for a type that is not what was declared, then 422', async () => {
    expect((await refusal(readRawUpload(rawEvent(Buffer.alloc(65, 0x61), {}, 'image/png'), limits))).status).toBe(413);
    expect((await refusal(readRawUpload(rawEvent(PDF, {}, 'image/png'), limits))).status).toBe(415);
    const error = await refusal(readRawUpload(rawEvent(Buffer.alloc(0), { category: 'nope' }, 'text/plain'), limits));
    expect(error.status).toBe(422);
    expect(paths(error)).toEqual(['body', 'category', 'name']);
  });

  it('is 422 for a name with a path separator', async () => {
    const error = await refusal(readRawUpload(rawEvent(PDF, { name: 'x\\scan.pdf' }, 'application/pdf'), limits));
    expect(error).toMatchObject({ status: 422, details: [{ path: 'name', message: 'must not contain path separators' }] });
  });
});
