/** Reading `POST /v1/uploads` bodies in the contract's order: 413, then 415, then 422 with every field. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALLOWED_TYPES } from '../../../../shared/config.ts';
import { readCreateUpload } from '../../../../shared/domain/large-uploads/bodies.ts';

const limits = { maxUploadBytes: 5 * 1024 * 1024 * 1024, allowedTypes: new Set(DEFAULT_ALLOWED_TYPES.split(',')) };

describe('readCreateUpload: 413, then 415, then 422 with every field', () => {
  it('a declared size over the maximum is 413 even when the type and name are bad too', () => {
    expect(() => readCreateUpload({ name: 'a/b', mimeType: 'text/html', size: limits.maxUploadBytes + 1 }, limits)).toThrow(
      expect.objectContaining({ status: 413 }),
    );
  });

  it('a text file over 100 MiB is 413: text is checked for markup all the way through when completed (issue 8)', () => {
    const MiB = 1024 * 1024;
    for (const mimeType of ['text/plain', 'text/csv; charset=utf-8']) {
      expect(() => readCreateUpload({ name: 'export.csv', mimeType, size: 100 * MiB + 1 }, limits)).toThrow(
        expect.objectContaining({ status: 413, details: [{ path: 'size', message: `must be at most ${100 * MiB} bytes for a text file` }] }),
      );
      expect(readCreateUpload({ name: 'export.csv', mimeType, size: 100 * MiB }, limits).size).toBe(100 * MiB);
    }
    expect(readCreateUpload({ name: 'scan.pdf', mimeType: 'application/pdf', size: 200 * MiB }, limits).size).toBe(200 * MiB);
  });

  it('a declared type not allowed (or generic) is 415 before the 422 rules', () => {
    for (const mimeType of ['text/html', 'image/svg+xml', 'application/octet-stream', '']) {
      expect(() => readCreateUpload({ name: 'a/b', mimeType, size: -1 }, limits)).toThrow(expect.objectContaining({ status: 415 }));
    }
  });

  it('422 lists every offending field', () => {
    try {
      readCreateUpload({ name: 'dir/x.pdf', mimeType: 'application/pdf', size: 0, sha256: 'abc', category: 'nope', extra: 1 }, limits);
      expect.unreachable();
    } catch (error) {
      const e = error as { status: number; details: { path: string }[] };
      expect(e.status).toBe(422);
      expect(e.details.map((d) => d.path).sort()).toEqual(['(body)', 'category', 'name', 'sha256', 'size']);
    }
    expect(() => readCreateUpload({ name: 'x.pdf', mimeType: 'application/pdf', size: 1.5 }, limits)).toThrow(
      expect.objectContaining({ status: 422 }),
    );
    expect(() => readCreateUpload({ mimeType: 'application/pdf', size: 10 }, limits)).toThrow(expect.objectContaining({ status: 422 }));
  });

  it('normalizes the declared type and the checksum', () => {
    const input = readCreateUpload({ name: 'x.jpg', mimeType: 'image/JPG', size: 10, sha256: 'A'.repeat(64) }, limits);
    expect(input).toMatchObject({ mimeType: 'image/jpeg', sha256: 'a'.repeat(64) });
  });
});
