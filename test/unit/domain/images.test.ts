import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/domain/errors.ts';
import {
  displayedSize,
  ImageUnreadableError,
  isImageMime,
  parseThumbnailQuery,
  sniffImageFormat,
  thumbnailFormat,
  thumbnailRefusal,
  thumbnailSize,
} from '../../../shared/domain/images.ts';

describe('thumbnailSize', () => {
  it.each([
    // source, requested, expected
    [{ width: 4032, height: 3024 }, { width: 200, height: 140 }, { width: 200, height: 150 }],
    // portrait: max(200/3024, 140/4032) = 0.06614 -> 200 x 266.67 -> 267
    [{ width: 3024, height: 4032 }, { width: 200, height: 140 }, { width: 200, height: 267 }],
    // the height decides: max(100/1000, 100/500) = 0.2 -> 200 x 100
    [{ width: 1000, height: 500 }, { width: 100, height: 100 }, { width: 200, height: 100 }],
    // rounding: 333 * 0.5 = 166.5 -> 167 (half up); 1001 * 0.1 = 100.1 -> 100
    [{ width: 333, height: 200 }, { width: 160, height: 100 }, { width: 167, height: 100 }],
    [{ width: 1001, height: 1000 }, { width: 100, height: 100 }, { width: 100, height: 100 }],
    // an exact fit
    [{ width: 400, height: 280 }, { width: 200, height: 140 }, { width: 200, height: 140 }],
  ])('fills %o into %o as %o', (source, requested, expected) => {
    expect(thumbnailSize(source, requested)).toEqual(expected);
  });

  it('never upscales: the scale is capped at 1', () => {
    expect(thumbnailSize({ width: 120, height: 80 }, { width: 200, height: 140 })).toEqual({ width: 120, height: 80 });
    // one side already smaller than asked: scale max(50/100, 300/200) = 1.5 -> capped to 1
    expect(thumbnailSize({ width: 100, height: 200 }, { width: 50, height: 300 })).toEqual({ width: 100, height: 200 });
    expect(thumbnailSize({ width: 1, height: 1 }, { width: 4096, height: 4096 })).toEqual({ width: 1, height: 1 });
  });

  it('handles extreme aspect ratios without cropping', () => {
    // 30000 x 10 asked 1x1: scale max(1/30000, 1/10) = 0.1 -> 3000 x 1
    expect(thumbnailSize({ width: 30000, height: 10 }, { width: 1, height: 1 })).toEqual({ width: 3000, height: 1 });
    // 20000 x 3 asked 1x1: scale 1/3 -> 6666.7 x 1 -> 6667 x 1
    expect(thumbnailSize({ width: 20000, height: 3 }, { width: 1, height: 1 })).toEqual({ width: 6667, height: 1 });
    // 1 x 30000 asked 1x1: scale 1 -> unchanged
    expect(thumbnailSize({ width: 1, height: 30000 }, { width: 1, height: 1 })).toEqual({ width: 1, height: 30000 });
  });

  it('never makes a side smaller than asked when the source is larger', () => {
    for (const [w, h] of [[4032, 3024], [3024, 4032], [1000, 999], [4097, 13], [13, 4097]] as const) {
      for (const [rw, rh] of [[1, 1], [200, 140], [4096, 4096], [17, 4000]] as const) {
        const out = thumbnailSize({ width: w, height: h }, { width: rw, height: rh });
        expect(out.width).toBeGreaterThanOrEqual(Math.min(rw, w));
        expect(out.height).toBeGreaterThanOrEqual(Math.min(rh, h));
        expect(out.width).toBeLessThanOrEqual(w);
        expect(out.height).toBeLessThanOrEqual(h);
      }
    }
  });
});

describe('displayedSize', () => {
  it.each([1, 2, 3, 4])('keeps width and height for orientation %i', (orientation) => {
    expect(displayedSize({ width: 4032, height: 3024 }, orientation)).toEqual({ width: 4032, height: 3024 });
  });

  it.each([5, 6, 7, 8])('swaps width and height for orientation %i', (orientation) => {
    expect(displayedSize({ width: 4032, height: 3024 }, orientation)).toEqual({ width: 3024, height: 4032 });
  });

  it.each([undefined, 0, 9, -6])('treats a missing or invalid orientation (%s) as upright', (orientation) => {
    expect(displayedSize({ width: 4032, height: 3024 }, orientation)).toEqual({ width: 4032, height: 3024 });
  });

  it('feeds thumbnailSize the oriented size', () => {
    const shown = displayedSize({ width: 4032, height: 3024 }, 6);
    expect(thumbnailSize(shown, { width: 200, height: 140 })).toEqual({ width: 200, height: 267 });
  });
});

describe('thumbnailFormat', () => {
  it('keeps JPEG, PNG and WebP sources in their own format', () => {
    expect(thumbnailFormat('image/jpeg')).toBe('jpeg');
    expect(thumbnailFormat('image/png')).toBe('png');
    expect(thumbnailFormat('image/webp')).toBe('webp');
  });

  it.each(['image/heic', 'image/heif', 'image/tiff', 'image/gif'])('makes PNG from %s', (mime) => {
    expect(thumbnailFormat(mime)).toBe('png');
  });

  it('lets the requested format win', () => {
    expect(thumbnailFormat('image/jpeg', 'webp')).toBe('webp');
    expect(thumbnailFormat('image/png', 'jpeg')).toBe('jpeg');
    expect(thumbnailFormat('image/heic', 'jpeg')).toBe('jpeg');
    expect(thumbnailFormat('image/webp', 'png')).toBe('png');
  });
});

describe('isImageMime', () => {
  it.each(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/heic', 'image/heif', 'image/tiff'])(
    'accepts %s',
    (mime) => expect(isImageMime(mime)).toBe(true),
  );

  it.each(['image/svg+xml', 'image/avif', 'image/bmp', 'application/pdf', 'application/dicom', 'text/plain', 'video/mp4', 'IMAGE/JPEG', ''])(
    'rejects %s',
    (mime) => expect(isImageMime(mime)).toBe(false),
  );
});

describe('parseThumbnailQuery', () => {
  it('asks for nothing when neither parameter is given', () => {
    expect(parseThumbnailQuery()).toEqual({ ok: true, size: null, format: undefined });
  });

  it.each([
    ['200x140', { width: 200, height: 140 }],
    ['1x1', { width: 1, height: 1 }],
    ['4096x4096', { width: 4096, height: 4096 }],
    ['4096x1', { width: 4096, height: 1 }],
  ])('reads imageSize %s', (imageSize, size) => {
    expect(parseThumbnailQuery(imageSize)).toEqual({ ok: true, size, format: undefined });
  });

  it.each(['jpeg', 'png', 'webp'] as const)('reads format %s, with or without a size', (format) => {
    expect(parseThumbnailQuery('200x140', format)).toEqual({ ok: true, size: { width: 200, height: 140 }, format });
    expect(parseThumbnailQuery(undefined, format)).toEqual({ ok: true, size: null, format });
  });

  it.each([
    '0x10', '10x0', '-1x5', '5x-1', '10', 'axb', '10x10x10', '5000x10', '10x5000', '4097x1', '1x4097',
    '1.5x2', '2x1.5', '+10x10', '10x+10', ' 10x10', '10x10 ', '10 x10', '10x 10', '10X10', '10*10', 'x10',
    '10x', '', '010x10', '1e2x10', '0x0', '99999999999999999999x1', '١٠x١٠',
  ])('rejects imageSize %j with a field error', (imageSize) => {
    const result = parseThumbnailQuery(imageSize);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toEqual([{ path: 'imageSize', message: expect.stringContaining('4096') }]);
    }
  });

  it.each(['gif', 'jpg', 'JPEG', 'heic', 'avif', '', ' png', 'png ', 'svg'])('rejects format %j with a field error', (format) => {
    const result = parseThumbnailQuery('200x140', format);
    expect(result).toEqual({ ok: false, errors: [{ path: 'format', message: 'must be one of jpeg, png, webp' }] });
  });

  it('reports both fields when both are wrong', () => {
    const result = parseThumbnailQuery('5000x10', 'gif');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path)).toEqual(['imageSize', 'format']);
  });
});

describe('ImageUnreadableError', () => {
  it('is a 422 image_unreadable that may be shown to the client', () => {
    const err = new ImageUnreadableError();
    expect(err).toBeInstanceOf(AppError);
    expect(err).toBeInstanceOf(Error);
    expect(err.status).toBe(422);
    expect(err.code).toBe('image_unreadable');
    expect(err.expose).toBe(true);
    expect(err.name).toBe('ImageUnreadableError');
    expect(err.message).toBe('The image cannot be decoded');
  });

  it('keeps the underlying error as its cause, out of the message', () => {
    const cause = new Error('VipsJpeg: premature end of JPEG image');
    const err = new ImageUnreadableError(undefined, { cause });
    expect(err.cause).toBe(cause);
    expect(err.message).not.toContain('Vips');
  });
});

describe('sniffImageFormat', () => {
  const bytes = (...parts: (string | number[])[]) =>
    Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

  it.each([
    ['jpeg', bytes([0xff, 0xd8, 0xff, 0xe0])],
    ['png', bytes('\x89PNG\r\n\x1a\n', [0, 0, 0, 13])],
    ['webp', bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 ')],
    ['gif', bytes('GIF89a', [1, 0])],
    ['gif', bytes('GIF87a', [1, 0])],
    ['tiff', bytes('II*\0', [8, 0, 0, 0])],
    ['tiff', bytes('MM\0*', [0, 0, 0, 8])],
    ['heif', bytes([0, 0, 0, 24], 'ftypheic', [0, 0, 0, 0], 'mif1heic')],
    // major brand mif1, HEIC named only among the compatible brands
    ['heif', bytes([0, 0, 0, 24], 'ftypmif1', [0, 0, 0, 0], 'mif1heic')],
  ] as const)('recognises %s', (format, input) => {
    expect(sniffImageFormat(input)).toBe(format);
  });

  it.each([
    ['PDF', bytes('%PDF-1.7\n')],
    ['SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['MP4', bytes([0, 0, 0, 24], 'ftypisom', [0, 0, 2, 0], 'isomiso2')],
    ['WAV', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt ')],
    ['empty', bytes()],
    ['too short', bytes([0xff, 0xd8])],
    ['text', bytes('hello, world')],
  ])('returns null for %s', (_name, input) => {
    expect(sniffImageFormat(input)).toBeNull();
  });

  it('reads a view into a larger buffer at its own offset', () => {
    const backing = bytes('xxxx', [0, 0, 0, 16], 'ftypheic', [0, 0, 0, 0]);
    expect(sniffImageFormat(backing.subarray(4))).toBe('heif');
  });
});

describe('thumbnailRefusal: what no thumbnail is made of, decided from the header', () => {
  it('refuses images more than 100 times longer than wide, in either direction, whatever the box', () => {
    for (const box of [{ width: 4096, height: 1 }, { width: 1, height: 1 }, { width: 200, height: 140 }]) {
      expect(thumbnailRefusal({ width: 10, height: 9_000_000 }, box)).toMatch(/times longer/);
      expect(thumbnailRefusal({ width: 9_000_000, height: 10 }, box)).toMatch(/times longer/);
    }
    expect(thumbnailRefusal({ width: 100, height: 10_000 }, { width: 50, height: 50 })).toBeNull();
  });

  it('refuses a thumbnail of more than 32 megapixels, and allows a 16:9 photo in the largest box', () => {
    expect(thumbnailRefusal({ width: 16_000, height: 9_000 }, { width: 4096, height: 4096 })).toBeNull();
    expect(thumbnailRefusal({ width: 2_000, height: 60_000 }, { width: 4096, height: 4096 })).toMatch(/32 megapixels/);
    expect(thumbnailRefusal({ width: 2_000, height: 60_000 }, { width: 200, height: 140 })).toBeNull();
  });
});
