/**
 * multipart/form-data bodies (shared/http/multipart.ts) as browsers encode them: files and fields, and the limits
 * in the contract's terms: broken multipart 400, more bytes than the inline limit 413, more than 20 files or a
 * file part under another name 422.
 */
import { describe, expect, it } from 'vitest';
import { BadRequestError, PayloadTooLargeError, ValidationError } from '../../../shared/domain/errors.ts';
import { MAX_FILES_PER_REQUEST } from '../../../shared/domain/schemas.ts';
import { parseMultipart } from '../../../shared/http/multipart.ts';
import { apiEvent, multipartEvent, type FormPart } from '../../support/api-events.ts';

const LIMIT = 1024;
const file = (filename: string, value: string | Uint8Array, type = 'text/plain'): FormPart => ({ name: 'file', value, filename, type });

/** What the parser rejected with; fails the test when it resolved. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error, 'the body was accepted').toBeInstanceOf(Error);
  return error!;
}

describe('parseMultipart', () => {
  it('reads parts named "file" as files (exact bytes, declared type, UTF-8 name) and the rest as fields', async () => {
    const binary = Uint8Array.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x0d, 0x0a, 0x2d, 0x2d]);
    const event = await multipartEvent([
      { name: 'ownerId', value: 'patient-1' },
      file('Befund Müller.pdf', binary, 'application/pdf'),
      file('notes.txt', 'hello'),
      { name: 'description', value: 'Röntgen' },
    ]);
    const form = await parseMultipart(event, LIMIT);
    expect(form.fields).toEqual({ ownerId: 'patient-1', description: 'Röntgen' });
    expect(form.files.map((f) => [f.filename, f.declaredType, Buffer.from(f.bytes).toString('hex')])).toEqual([
      ['Befund Müller.pdf', 'application/pdf', Buffer.from(binary).toString('hex')],
      ['notes.txt', 'text/plain', Buffer.from('hello').toString('hex')],
    ]);
  });

  it('keeps a file name as sent, path separators included, so that the rules can refuse it', async () => {
    const form = await parseMultipart(await multipartEvent([file('../../etc/passwd', 'x')]), LIMIT);
    expect(form.files[0]!.filename).toBe('../../etc/passwd');
  });

  it('takes files whose bytes add up to the limit exactly, and is 413 one byte over', async () => {
    const half = 'a'.repeat(LIMIT / 2);
    await expect(parseMultipart(await multipartEvent([file('a.txt', half), file('b.txt', half)]), LIMIT)).resolves.toMatchObject({
      files: [{ filename: 'a.txt' }, { filename: 'b.txt' }],
    });
    const error = await rejection(parseMultipart(await multipartEvent([file('a.txt', half), file('b.txt', `${half}b`)]), LIMIT));
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error.message).toContain('POST /v1/uploads');
  });

  it(`is 422 for more than ${MAX_FILES_PER_REQUEST} files`, async () => {
    const many = Array.from({ length: MAX_FILES_PER_REQUEST + 1 }, (_, i) => file(`${i}.txt`, 'x'));
    const error = await rejection(parseMultipart(await multipartEvent(many), LIMIT));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ details: [{ path: 'file', message: `at most ${MAX_FILES_PER_REQUEST} files per request` }] });
    const exactly = Array.from({ length: MAX_FILES_PER_REQUEST }, (_, i) => file(`${i}.txt`, 'x'));
    expect((await parseMultipart(await multipartEvent(exactly), LIMIT)).files).toHaveLength(MAX_FILES_PER_REQUEST);
  });

  it('is 422 for a file sent under another part name, and for a field over 4096 bytes, listing both', async () => {
    const event = await multipartEvent([
      { name: 'attachment', value: 'x', filename: 'x.txt', type: 'text/plain' },
      { name: 'description', value: 'd'.repeat(4097) },
    ]);
    const error = await rejection(parseMultipart(event, LIMIT));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual([
      { path: 'attachment', message: 'files must be sent in parts named "file"' },
      { path: 'description', message: 'is too long' },
    ]);
  });

  it('is 400 for more than 50 fields', async () => {
    const fields = Array.from({ length: 51 }, (_, i) => ({ name: `f${i}`, value: 'v' }));
    expect(await rejection(parseMultipart(await multipartEvent(fields), LIMIT))).toBeInstanceOf(BadRequestError);
  });

  it.each([
    ['no boundary', 'multipart/form-data'],
    ['a type that is not multipart', 'application/json'],
    ['no Content-Type', undefined],
  ])('is 400 with %s', async (_what, contentType) => {
    const event = apiEvent({ headers: contentType ? { 'content-type': contentType } : {}, body: Buffer.from('--x\r\n') });
    expect(await rejection(parseMultipart(event, LIMIT))).toBeInstanceOf(BadRequestError);
  });

  it('is 400 for a body cut off before its closing boundary', async () => {
    const whole = await multipartEvent([file('a.txt', 'some text that gets cut')]);
    const bytes = Buffer.from(whole.body!, 'base64');
    const cut = apiEvent({ headers: whole.headers as Record<string, string>, body: bytes.subarray(0, bytes.length - 30) });
    expect(await rejection(parseMultipart(cut, LIMIT))).toBeInstanceOf(BadRequestError);
  });

  it('reads an empty form as no files and no fields (the upload rules then ask for a file)', async () => {
    const event = apiEvent({ headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: Buffer.from('--x--\r\n') });
    await expect(parseMultipart(event, LIMIT)).resolves.toEqual({ files: [], fields: {} });
  });
});
