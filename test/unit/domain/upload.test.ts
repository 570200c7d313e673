/** The checks every upload path shares: strict base64, size limits (413), types (415), empty files (422). */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../../shared/domain/errors.ts';
import {
  base64Size,
  checkInlineSize,
  checkTypes,
  decodeBase64,
  emptyFileIssues,
  type UploadItem,
} from '../../../shared/domain/upload.ts';
import { pdfBytes } from '../../support/images.ts';

/** Wraps base64 the way MIME encoders do: 76 characters per line. */
const wrap = (b64: string, eol = '\r\n') => b64.match(/.{1,76}/g)!.join(eol);

describe('decodeBase64', () => {
  it('decodes padded base64', () => {
    expect(Buffer.from(decodeBase64('aGVsbG8gd29ybGQ=', 'files.0.contents')).toString()).toBe('hello world');
    expect(Buffer.from(decodeBase64('aGk=', 'p')).toString()).toBe('hi');
    expect(Buffer.from(decodeBase64('aGV5', 'p')).toString()).toBe('hey');
  });

  it('accepts line breaks (LF or CRLF) as MIME encoders wrap', () => {
    const bytes = randomBytes(1000);
    const b64 = bytes.toString('base64');
    expect(Buffer.from(decodeBase64(wrap(b64), 'p'))).toEqual(bytes);
    expect(Buffer.from(decodeBase64(wrap(b64, '\n'), 'p'))).toEqual(bytes);
    expect(Buffer.from(decodeBase64(`${wrap(b64)}\r\n`, 'p'))).toEqual(bytes);
  });

  it('accepts unpadded base64 (padding is optional)', () => {
    expect(Buffer.from(decodeBase64('aGk', 'p')).toString()).toBe('hi');
    expect(Buffer.from(decodeBase64('aGVsbG8', 'p')).toString()).toBe('hello');
  });

  it('decodes the empty string to no bytes (an empty file, refused later as 422)', () => {
    expect(decodeBase64('', 'p')).toHaveLength(0);
  });

  it.each([
    ['a space', 'aGVs bG8='],
    ['a tab', 'aGVs\tbG8='],
    ['base64url characters', 'a-_b'],
    ['a stray character', 'aGVsbG8@'],
    ['data after the padding', 'aGk=aGk='],
    ['too much padding', 'aGk==='],
    ['padding only', '===='],
    ['a single character', 'a'],
    ['five characters', 'aGVsb'],
    ['padding in the middle', 'aG=k'],
    ['a data URL', 'data:text/plain;base64,aGk='],
    ['non-ASCII', 'aGk✓'],
    ['non-zero trailing bits (a second spelling of "hi")', 'aGl='],
    ['non-zero trailing bits, unpadded', 'aGl'],
    ['padding on a full quantum', 'aGV5='],
  ])('is 400 (bad_request) for %s, naming the field', (_label, value) => {
    let thrown: unknown;
    try {
      decodeBase64(value, 'files.3.contents');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BadRequestError);
    expect(thrown).toMatchObject({ status: 400, code: 'bad_request', details: [{ path: 'files.3.contents', message: expect.any(String) }] });
  });
});

describe('base64Size', () => {
  it('is the exact decoded size for every length 0..64, padded, wrapped and unwrapped', () => {
    for (let n = 0; n <= 64; n++) {
      const bytes = randomBytes(n);
      const b64 = bytes.toString('base64');
      expect(base64Size(b64), `${n} bytes`).toBe(n);
      expect(base64Size(b64 ? wrap(b64) : ''), `${n} bytes wrapped`).toBe(n);
      expect(base64Size(b64.replace(/=+$/, '')), `${n} bytes unpadded`).toBe(n);
      expect(decodeBase64(b64, 'p')).toHaveLength(n);
    }
  });

  it('is exact for a large wrapped value without decoding it', () => {
    const n = 3 * 1024 * 1024 + 2;
    expect(base64Size(wrap(Buffer.alloc(n, 7).toString('base64')))).toBe(n);
  });
});

describe('inline size limit', () => {
  const limit = 4 * 1024 * 1024;

  it('accepts exactly the limit', () => {
    expect(() => checkInlineSize(limit, limit)).not.toThrow();
    expect(() => checkInlineSize(base64Size(Buffer.alloc(limit).toString('base64')), limit)).not.toThrow();
  });

  it('refuses one byte over with 413 naming POST /v1/uploads', () => {
    let thrown: unknown;
    try {
      checkInlineSize(base64Size(Buffer.alloc(limit + 1).toString('base64')), limit);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PayloadTooLargeError);
    expect(thrown).toMatchObject({ status: 413, code: 'payload_too_large', expose: true });
    expect((thrown as Error).message).toContain('POST /v1/uploads');
  });
});

describe('emptyFileIssues', () => {
  const item = (path: string, bytes: Uint8Array): UploadItem => ({ path, bytes, declaredType: undefined, name: 'a.txt' });

  it('lists every empty file by its contents field', () => {
    const items = [item('files.0', new Uint8Array()), item('files.1', Uint8Array.of(1)), item('files.2', new Uint8Array())];
    expect(emptyFileIssues(items)).toEqual([
      { path: 'files.0.contents', message: 'file is empty' },
      { path: 'files.2.contents', message: 'file is empty' },
    ]);
  });

  it('uses the given field, or the item path alone', () => {
    expect(emptyFileIssues([item('file', new Uint8Array())], '')).toEqual([{ path: 'file', message: 'file is empty' }]);
    expect(emptyFileIssues([item('', new Uint8Array())])).toEqual([{ path: 'contents', message: 'file is empty' }]);
  });

  it('is empty when no file is empty', () => {
    expect(emptyFileIssues([item('files.0', Uint8Array.of(0))])).toEqual([]);
  });
});

describe('checkTypes', () => {
  const allowed = new Set(['application/pdf', 'text/plain']);
  const item = (path: string, bytes: Uint8Array, name: unknown = 'x', declaredType?: string): UploadItem => ({ path, bytes, declaredType, name });

  it('returns the stored type of each file, and undefined for empty ones (left to the 422 check)', async () => {
    const types = await checkTypes([item('files.0', pdfBytes(), 'a.pdf'), item('files.1', new Uint8Array(), 'b.html', 'text/html'), item('files.2', Buffer.from('hi'))], allowed);
    expect(types).toEqual(['application/pdf', undefined, 'text/plain']);
  });

  it('is one 415 listing every offending file', async () => {
    const error = await checkTypes(
      [
        item('files.0', Buffer.from('<html></html>')),
        item('files.1', pdfBytes()),
        item('files.2', Buffer.from('hi'), 'x.txt', 'application/pdf'),
      ],
      allowed,
    ).then(
      () => expect.fail('expected a 415'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnsupportedMediaTypeError);
    expect((error as UnsupportedMediaTypeError).details.map((d) => d.path)).toEqual(['files.0', 'files.2']);
  });

  it('copes with a missing or non-string name (validated separately)', async () => {
    expect(await checkTypes([item('files.0', Buffer.from('hi'), undefined), item('files.1', Buffer.from('hi'), 42)], allowed)).toEqual([
      'text/plain',
      'text/plain',
    ]);
  });
});
