/**
 * What a file really is (API.md, "The File resource"): the type comes from the bytes, the declared type must
 * agree, and only allowed types are stored. HTML, SVG, scripts and executables are refused.
 */
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALLOWED_TYPES } from '../../../shared/config.ts';
import { detectContentType, normalizeDeclaredType } from '../../../shared/domain/content-type.ts';
import { UnsupportedMediaTypeError } from '../../../shared/domain/errors.ts';
import { zip } from '../../support/e2e-files.ts';
import { gif, pdfBytes, webp } from '../../support/images.ts';

const ALLOWED: ReadonlySet<string> = new Set(DEFAULT_ALLOWED_TYPES.split(','));
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const text = (s: string) => new TextEncoder().encode(s);

const contentTypes = (main: string) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
  `<Default Extension="xml" ContentType="application/xml"/><Override PartName="/main.xml" ContentType="${main}"/></Types>`;

const docx = () =>
  zip({
    '[Content_Types].xml': contentTypes('application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml'),
    'word/document.xml': '<w:document/>',
  });
const xlsx = () =>
  zip({
    '[Content_Types].xml': contentTypes('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml'),
    'xl/workbook.xml': '<workbook/>',
  });
const plainZip = () => zip({ 'notes.txt': 'hello', 'more.txt': 'world' });

/** The header of a Compound File Binary (old .doc/.xls): signature, then a plausible header sector. */
function cfb(): Buffer {
  const bytes = Buffer.alloc(1024);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(bytes, 0);
  bytes.writeUInt16LE(0x003e, 24);
  bytes.writeUInt16LE(0x0003, 26);
  bytes.writeUInt16LE(0xfffe, 28);
  bytes.writeUInt16LE(9, 30);
  bytes.writeUInt16LE(6, 32);
  return bytes;
}

/** DICOM Part 10: a 128-byte preamble, then "DICM", then data elements. */
function dicom(): Buffer {
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.from([0x02, 0x00, 0x00, 0x00, 0x55, 0x4c, 0x04, 0x00, 0, 0, 0, 0])]);
}

const elf = () => Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), Buffer.alloc(120)]);
function exe(): Buffer {
  const bytes = Buffer.alloc(512);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'latin1');
  return bytes;
}

let jpeg: Buffer;
let png: Buffer;
let webpImage: Buffer;
let gifImage: Buffer;

beforeAll(async () => {
  const canvas = () => sharp({ create: { width: 8, height: 6, channels: 3, background: '#3366cc' } });
  jpeg = await canvas().jpeg().toBuffer();
  png = await canvas().png().toBuffer();
  webpImage = await webp({ width: 8, height: 6 });
  gifImage = await gif({ width: 8, height: 6 });
});

const detect = (bytes: Uint8Array, declared?: string | null, extension = '') => detectContentType(bytes, declared, extension, ALLOWED, 'files.0');

async function refused(bytes: Uint8Array, declared?: string | null, extension = ''): Promise<UnsupportedMediaTypeError> {
  const error = await detect(bytes, declared, extension).then(
    (ok) => expect.fail(`expected 415, got ${ok.mimeType}`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnsupportedMediaTypeError);
  expect(error).toMatchObject({ status: 415, code: 'unsupported_media_type' });
  expect((error as UnsupportedMediaTypeError).details).toEqual([{ path: 'files.0', message: expect.any(String) }]);
  return error as UnsupportedMediaTypeError;
}

describe('accepted types, undeclared and declared', () => {
  const cases: [string, () => Uint8Array, string, string][] = [
    ['JPEG', () => jpeg, 'image/jpeg', 'jpg'],
    ['PNG', () => png, 'image/png', 'png'],
    ['WebP', () => webpImage, 'image/webp', 'webp'],
    ['GIF', () => gifImage, 'image/gif', 'gif'],
    ['PDF', () => pdfBytes(), 'application/pdf', 'pdf'],
    ['DICOM (preamble + DICM)', dicom, 'application/dicom', 'dcm'],
    ['DOCX', docx, DOCX, 'docx'],
    ['XLSX', xlsx, XLSX, 'xlsx'],
    ['plain text', () => text('Blood pressure 120/80\r\nPulse\t64\n\fpage 2\n'), 'text/plain', 'txt'],
    ['UTF-8 text', () => text('\uFEFFGrüße — 日本語 😀 naïve café\n'), 'text/plain', 'txt'],
  ];

  it.each(cases)('%s detected from the bytes alone', async (_label, bytes, type, ext) => {
    expect((await detect(bytes(), undefined, ext)).mimeType).toBe(type);
    expect((await detect(bytes(), undefined, '')).mimeType).toBe(type);
  });

  it.each(cases)('%s declared as itself', async (_label, bytes, type, ext) => {
    expect((await detect(bytes(), type, ext)).mimeType).toBe(type);
    expect((await detect(bytes(), `${type.toUpperCase()}; charset=utf-8`, ext)).mimeType).toBe(type);
  });

  it('CSV: by declared type or by extension; plain text otherwise', async () => {
    const csv = text('date,systolic,diastolic\n2026-11-22,120,80\n');
    expect((await detect(csv, 'text/csv')).mimeType).toBe('text/csv');
    expect((await detect(csv, 'text/csv; charset=utf-8', 'txt')).mimeType).toBe('text/csv');
    expect((await detect(csv, 'application/csv')).mimeType).toBe('text/csv');
    expect((await detect(csv, undefined, 'csv')).mimeType).toBe('text/csv');
    expect((await detect(csv, undefined, 'txt')).mimeType).toBe('text/plain');
    expect((await detect(csv, 'text/plain', 'csv')).mimeType).toBe('text/plain');
  });

  it('old Word/Excel (CFB container): by declared type or by extension', async () => {
    expect((await detect(cfb(), 'application/msword')).mimeType).toBe('application/msword');
    expect((await detect(cfb(), 'application/vnd.ms-excel')).mimeType).toBe('application/vnd.ms-excel');
    expect((await detect(cfb(), undefined, 'doc')).mimeType).toBe('application/msword');
    expect((await detect(cfb(), 'application/octet-stream', 'xls')).mimeType).toBe('application/vnd.ms-excel');
  });

  it('a CFB container that says neither Word nor Excel is 415', async () => {
    await refused(cfb());
    await refused(cfb(), undefined, 'msg');
  });

  it('aliases: image/jpg, image/pjpeg, image/x-png, application/x-dicom', async () => {
    expect((await detect(jpeg, 'image/jpg')).mimeType).toBe('image/jpeg');
    expect((await detect(jpeg, 'image/pjpeg')).mimeType).toBe('image/jpeg');
    expect((await detect(png, 'image/x-png')).mimeType).toBe('image/png');
    expect((await detect(dicom(), 'application/x-dicom')).mimeType).toBe('application/dicom');
  });

  it('application/octet-stream (or binary/octet-stream) counts as undeclared', async () => {
    expect((await detect(jpeg, 'application/octet-stream')).mimeType).toBe('image/jpeg');
    expect((await detect(pdfBytes(), 'binary/octet-stream')).mimeType).toBe('application/pdf');
    expect((await detect(text('hello'), 'application/octet-stream')).mimeType).toBe('text/plain');
    expect(normalizeDeclaredType('application/octet-stream; name=x')).toBeUndefined();
    expect(normalizeDeclaredType('')).toBeUndefined();
    expect(normalizeDeclaredType(null)).toBeUndefined();
  });

  it('text/plain and text/csv may be declared for each other', async () => {
    expect((await detect(text('a,b\n'), 'text/plain', 'csv')).mimeType).toBe('text/plain');
    expect((await detect(text('hello'), 'text/csv')).mimeType).toBe('text/csv');
  });
});

describe('refused content (415)', () => {
  it.each([
    ['HTML', '<!DOCTYPE html><html><body>hi</body></html>'],
    ['an HTML fragment', '<b>bold</b>'],
    ['HTML after a BOM and blank lines', '\uFEFF\n\n   <html><script>alert(1)</script></html>'],
    ['a script tag after some text', `Patient notes\n${'line\n'.repeat(20)}<script>fetch('/steal')</script>`],
    ['an iframe after some text', 'see here: < iframe src="https://evil.example">'],
    ['SVG', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'],
    ['XML', '<?xml version="1.0"?><note>x</note>'],
    ['a shell script', '#!/bin/sh\nrm -rf /\n'],
    ['an env shebang', '#!/usr/bin/env node\nconsole.log(1)\n'],
    ['text with NUL', 'hello\u0000world'],
    ['text with other control characters', 'bell\u0007 and escape\u001b[31m'],
    ['text with DEL', 'del\u007f'],
  ])('%s', async (_label, content) => {
    await refused(text(content));
    await refused(text(content), 'text/plain', 'txt');
  });

  it('invalid UTF-8 is not text', async () => {
    await refused(Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    await refused(Uint8Array.from([0xff, 0xfe, 0x68, 0x00, 0x69, 0x00]));
  });

  it.each([
    ['ELF executable', elf],
    ['Windows executable (MZ/PE)', exe],
    ['plain ZIP archive', plainZip],
  ])('%s, undeclared or declared as something allowed', async (_label, bytes) => {
    await refused(bytes());
    await refused(bytes(), 'application/pdf', 'pdf');
    await refused(bytes(), 'application/octet-stream', 'docx');
  });

  it('a declared type that is not allowed is 415 even when the bytes are allowed', async () => {
    await refused(text('just text'), 'text/html');
    await refused(text('just text'), 'image/svg+xml');
    await refused(text('just text'), 'application/javascript');
    await refused(jpeg, 'application/zip');
    await refused(pdfBytes(), 'application/x-pdf');
  });

  it.each([
    ['JPEG declared as PNG', () => jpeg, 'image/png'],
    ['PNG declared as JPEG', () => png, 'image/jpeg'],
    ['PDF declared as JPEG', () => pdfBytes(), 'image/jpeg'],
    ['JPEG declared as PDF', () => jpeg, 'application/pdf'],
    ['text declared as PDF', () => text('not a PDF at all'), 'application/pdf'],
    ['PDF declared as text', () => pdfBytes(), 'text/plain'],
    ['DOCX declared as XLSX', docx, XLSX],
    ['DICOM declared as JPEG', dicom, 'image/jpeg'],
    ['GIF declared as WebP', () => gifImage, 'image/webp'],
    ['old Word declared as DOCX', cfb, DOCX],
  ])('declared-vs-actual mismatch: %s', async (_label, bytes, declared) => {
    const error = await refused(bytes(), declared);
    expect(error.message).toMatch(/not|allowed/);
  });

  it('only allowed types pass: a narrower allow-list refuses the rest', async () => {
    const onlyPdf = new Set(['application/pdf']);
    await expect(detectContentType(jpeg, undefined, 'jpg', onlyPdf, 'file')).rejects.toBeInstanceOf(UnsupportedMediaTypeError);
    await expect(detectContentType(text('hi'), undefined, 'txt', onlyPdf, 'file')).rejects.toBeInstanceOf(UnsupportedMediaTypeError);
    expect((await detectContentType(pdfBytes(), undefined, 'pdf', onlyPdf, 'file')).mimeType).toBe('application/pdf');
  });

  it('messages name types, never the file name or content', async () => {
    const error = await refused(text('<html>Jane Doe</html>'), undefined, 'html');
    expect(error.message).not.toContain('Jane');
    expect(JSON.stringify(error.details)).not.toContain('Jane');
  });

  it('finds markup anywhere in a text, not only at its start', async () => {
    const error = await refused(text(`${'a'.repeat(5000)}\n<script>alert(1)</script>\n`), 'text/plain', 'txt');
    expect(error).toBeInstanceOf(UnsupportedMediaTypeError);
  });
});
