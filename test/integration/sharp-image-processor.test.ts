/**
 * SharpImageProcessor against real sharp/libvips, on images made in memory (no mocks, no emulators).
 */
import zlib from 'node:zlib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { SharpImageProcessor } from '../../shared/adapters/sharp-image-processor.ts';
import { ImageUnreadableError, thumbnailSize, type ThumbnailPlan } from '../../shared/domain/images.ts';
import {
  decompressionBomb,
  EXIF_TAG_GPS_IFD,
  EXIF_TAG_ORIENTATION,
  exifIfd0Tags,
  gif,
  heicHeaderOnly,
  jpegWithExif,
  MARKER,
  pdfBytes,
  pngWithAlpha,
  randomNonImage,
  tiff,
  truncatedJpeg,
  webp,
} from '../support/images.ts';

const processor = new SharpImageProcessor();

/** The RGB(A) pixel at (x, y) of an encoded image. */
async function pixel(image: Uint8Array, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return Array.from(data.subarray(at, at + info.channels));
}

function isMarker([r, g, b]: number[]): boolean {
  return Math.abs(r! - MARKER.r) < 40 && Math.abs(g! - MARKER.g) < 40 && Math.abs(b! - MARKER.b) < 40;
}

async function expectUnreadable(promise: Promise<unknown>): Promise<ImageUnreadableError> {
  const err = await promise.then(
    () => expect.fail('expected ImageUnreadableError'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageUnreadableError);
  const unreadable = err as ImageUnreadableError;
  expect(unreadable).toMatchObject({ status: 422, code: 'image_unreadable', expose: true });
  return unreadable;
}

describe('readInfo', () => {
  it('reports the displayed size of an orientation-6 photo: 4032x3024 stored is 3024x4032', async () => {
    const photo = await jpegWithExif({ width: 4032, height: 3024, orientation: 6 });
    expect(await processor.readInfo(photo)).toEqual({ width: 3024, height: 4032, format: 'jpeg' });
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('agrees with sharp on the oriented size for orientation %i', async (orientation) => {
    const photo = await jpegWithExif({ width: 60, height: 40, orientation });
    const { autoOrient } = await sharp(photo).metadata();
    const info = await processor.readInfo(photo);
    expect(info).toEqual({ ...autoOrient, format: 'jpeg' });
    expect(info).toEqual(orientation >= 5 ? { width: 40, height: 60, format: 'jpeg' } : { width: 60, height: 40, format: 'jpeg' });
  });

  it.each([
    ['png', () => pngWithAlpha({ width: 300, height: 200 })],
    ['webp', () => webp({ width: 300, height: 200 })],
    ['gif', () => gif({ width: 300, height: 200 })],
    ['tiff', () => tiff({ width: 300, height: 200 })],
  ])('reads a %s header', async (format, make) => {
    expect(await processor.readInfo(await make())).toEqual({ width: 300, height: 200, format });
  });

  it('reads the size of a truncated JPEG from its intact header', async () => {
    expect(await processor.readInfo(await truncatedJpeg({ width: 800, height: 600 }))).toEqual({
      width: 800,
      height: 600,
      format: 'jpeg',
    });
  });

  it('reads the size of a 30000x30000 decompression bomb without decoding it', async () => {
    const bomb = decompressionBomb({ width: 30000, height: 30000 });
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    expect(await processor.readInfo(bomb)).toEqual({ width: 30000, height: 30000, format: 'png' });
  });

  it('reads the size of a HEIC from its header, although this libvips cannot decode HEVC', async () => {
    expect(await processor.readInfo(heicHeaderOnly({ width: 4032, height: 3024 }))).toEqual({
      width: 4032,
      height: 3024,
      format: 'heif',
    });
  });

  it.each([
    ['a PDF', pdfBytes()],
    ['random bytes', randomNonImage()],
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')],
    ['empty bytes', Buffer.alloc(0)],
    ['a PNG signature with nothing after it', Buffer.from('\x89PNG\r\n\x1a\n', 'latin1')],
    ['a JPEG start marker and noise', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomNonImage(64)])],
  ])('returns null for %s', async (_name, bytes) => {
    expect(await processor.readInfo(bytes)).toBeNull();
  });
});

describe('thumbnail', () => {
  let photo: Buffer;
  beforeAll(async () => {
    photo = await jpegWithExif({ width: 4032, height: 3024, orientation: 6, gps: true, xmp: true });
  });

  it('has the computed size and the requested format', async () => {
    const plan: ThumbnailPlan = { width: 200, height: 140, format: 'jpeg' };
    const thumb = await processor.thumbnail(photo, plan);
    // oriented 3024x4032 filled into 200x140 -> 200x267
    expect(thumbnailSize({ width: 3024, height: 4032 }, plan)).toEqual({ width: 200, height: 267 });
    expect(thumb).toMatchObject({ width: 200, height: 267, contentType: 'image/jpeg' });
    const meta = await sharp(thumb.bytes).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'jpeg', width: 200, height: 267 });
  });

  it('turns the pixels upright: the stored top-left marker is top-right after orientation 6', async () => {
    const thumb = await processor.thumbnail(photo, { width: 200, height: 140, format: 'png' });
    expect(isMarker(await pixel(thumb.bytes, 195, 5))).toBe(true);
    expect(isMarker(await pixel(thumb.bytes, 5, 5))).toBe(false);
  });

  it('strips EXIF (orientation, GPS), XMP and every other metadata block', async () => {
    const source = await sharp(photo).metadata();
    // the input really carries what must go
    expect(exifIfd0Tags(source.exif!)).toEqual(expect.arrayContaining([EXIF_TAG_ORIENTATION, EXIF_TAG_GPS_IFD]));
    expect(source.xmpAsString).toContain('Jane Doe');
    expect(source.icc).toBeDefined();

    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const thumb = await processor.thumbnail(photo, { width: 200, height: 140, format });
      const meta = await sharp(thumb.bytes).metadata();
      expect(meta.format).toBe(format);
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      expect(Buffer.from(thumb.bytes).includes('Jane Doe')).toBe(false);
      expect(Buffer.from(thumb.bytes).includes('MedFiles Test Camera')).toBe(false);
    }
  });

  it.each([
    ['jpeg', 'image/jpeg'],
    ['png', 'image/png'],
    ['webp', 'image/webp'],
  ] as const)('writes %s with content type %s', async (format, contentType) => {
    const thumb = await processor.thumbnail(await webp({ width: 640, height: 480 }), { width: 64, height: 64, format });
    expect(thumb).toMatchObject({ contentType, width: 85, height: 64 });
    expect((await sharp(thumb.bytes).metadata()).format).toBe(format);
  });

  it('keeps the alpha channel in PNG and WebP output, and puts JPEG output on white', async () => {
    const source = await pngWithAlpha({ width: 400, height: 200 });
    const png = await processor.thumbnail(source, { width: 100, height: 50, format: 'png' });
    expect(png).toMatchObject({ width: 100, height: 50, contentType: 'image/png' });
    expect((await sharp(png.bytes).metadata()).hasAlpha).toBe(true);
    expect((await pixel(png.bytes, 90, 40))[3]).toBe(0); // transparent corner
    expect((await pixel(png.bytes, 5, 5))[3]).toBe(255); // opaque marker

    const webpThumb = await processor.thumbnail(source, { width: 100, height: 50, format: 'webp' });
    expect((await sharp(webpThumb.bytes).metadata()).hasAlpha).toBe(true);

    const jpeg = await processor.thumbnail(source, { width: 100, height: 50, format: 'jpeg' });
    expect((await sharp(jpeg.bytes).metadata()).hasAlpha).toBe(false);
    expect((await pixel(jpeg.bytes, 90, 40)).every((c) => c > 240)).toBe(true);
  });

  it('never upscales', async () => {
    const small = await jpegWithExif({ width: 120, height: 80 });
    const thumb = await processor.thumbnail(small, { width: 200, height: 140, format: 'jpeg' });
    expect(thumb).toMatchObject({ width: 120, height: 80 });
    expect((await sharp(thumb.bytes).metadata()).width).toBe(120);
  });

  it.each([
    ['gif', () => gif({ width: 300, height: 200 })],
    ['tiff', () => tiff({ width: 300, height: 200 })],
  ])('makes thumbnails of %s sources', async (_format, make) => {
    const thumb = await processor.thumbnail(await make(), { width: 30, height: 30, format: 'png' });
    expect(thumb).toMatchObject({ width: 45, height: 30, contentType: 'image/png' });
  });

  it('refuses a truncated JPEG, although its header is readable', async () => {
    await expectUnreadable(processor.thumbnail(await truncatedJpeg(), { width: 200, height: 140, format: 'jpeg' }));
  });

  it('refuses a decompression bomb before decoding it', async () => {
    const err = await expectUnreadable(
      processor.thumbnail(decompressionBomb(), { width: 200, height: 140, format: 'png' }),
    );
    expect(err.message).toContain('pixels');
  });

  it('applies its pixel limit to the stored size', async () => {
    const limited = new SharpImageProcessor({ limitInputPixels: 60 * 40 - 1 });
    const image = await jpegWithExif({ width: 60, height: 40 });
    await expectUnreadable(limited.thumbnail(image, { width: 10, height: 10, format: 'jpeg' }));
    const exact = new SharpImageProcessor({ limitInputPixels: 60 * 40 });
    await expect(exact.thumbnail(image, { width: 10, height: 10, format: 'jpeg' })).resolves.toMatchObject({ width: 15, height: 10 });
  });

  it('refuses a 10 x 9,000,000 PNG (under the pixel limit) from its header, for any box (issue 8: it took 10 s)', async () => {
    // A PNG header and an empty image stream: the header is all the refusal may read.
    const chunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(data.length);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(zlib.crc32(body));
      return Buffer.concat([length, body, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(10, 0);
    ihdr.writeUInt32BE(9_000_000, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const strip = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', zlib.deflateSync(Buffer.alloc(31))),
      chunk('IEND', Buffer.alloc(0)),
    ]);
    for (const box of [{ width: 4096, height: 1 }, { width: 1, height: 1 }, { width: 200, height: 140 }]) {
      const err = await expectUnreadable(processor.thumbnail(strip, { ...box, format: 'png' }));
      expect(err.message).toContain('times longer than it is wide');
    }
  });

  it('refuses inputs over maxInputBytes', async () => {
    const image = await jpegWithExif({ width: 60, height: 40 });
    const limited = new SharpImageProcessor({ maxInputBytes: image.length - 1 });
    await expectUnreadable(limited.thumbnail(image, { width: 10, height: 10, format: 'jpeg' }));
  });

  it('refuses HEIC: the prebuilt libvips has no HEVC decoder', async () => {
    await expectUnreadable(
      processor.thumbnail(heicHeaderOnly({ width: 4032, height: 3024 }), { width: 200, height: 140, format: 'png' }),
    );
  });

  it.each([
    ['a PDF', pdfBytes()],
    ['random bytes', randomNonImage()],
    ['empty bytes', Buffer.alloc(0)],
  ])('refuses %s', async (_name, bytes) => {
    await expectUnreadable(processor.thumbnail(bytes, { width: 200, height: 140, format: 'png' }));
  });

  it('keeps the file name out of the error message and names no library', async () => {
    const err = await expectUnreadable(processor.thumbnail(await truncatedJpeg(), { width: 10, height: 10, format: 'jpeg' }));
    expect(err.message).toBe('The image cannot be decoded');
    expect(err.cause).toBeInstanceOf(Error);
  });
});
