/**
 * Real images made in memory for tests and benchmarks (sharp, or by hand where sharp cannot write the file
 * we need). Nothing here is read from disk.
 */
import { randomBytes } from 'node:crypto';
import { constants as zlibConstants, crc32, deflateRawSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';

/** The colour of the marker square in the stored top-left corner of the images made here. */
export const MARKER = { r: 255, g: 0, b: 0 };

/** XMP with a value that must never survive into a thumbnail. */
const XMP =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
  '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Jane Doe, MRN 12345</dc:title>' +
  '</rdf:Description></rdf:RDF></x:xmpmeta>';

/** White, with a red square (a quarter of the shorter side) in the stored top-left corner. */
function markedCanvas(width: number, height: number): Sharp {
  const side = Math.max(1, Math.floor(Math.min(width, height) / 4));
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite([
    { input: { create: { width: side, height: side, channels: 3, background: MARKER } }, left: 0, top: 0 },
  ]);
}

/**
 * A JPEG of `width` x `height` stored pixels with an EXIF Orientation tag, camera tags, optionally a GPS
 * position and XMP, and an sRGB ICC profile (written by `withMetadata`).
 */
export async function jpegWithExif(options: {
  width: number;
  height: number;
  orientation?: number;
  gps?: boolean;
  xmp?: boolean;
}): Promise<Buffer> {
  const { width, height, orientation = 1, gps = false, xmp = false } = options;
  // The Orientation tag is written by withMetadata: libvips sets it from the image's own orientation field
  // and ignores an `Orientation` passed to withExif. libvips numbers the IFDs: 0 main image, 2 Exif, 3 GPS.
  let image = markedCanvas(width, height)
    .withMetadata({ orientation })
    .withExif({
      IFD0: { Make: 'MedFiles Test Camera', Model: 'T-1' },
      ...(gps
        ? {
            IFD3: {
              GPSLatitudeRef: 'N',
              GPSLatitude: '52/1 31/1 1234/100',
              GPSLongitudeRef: 'E',
              GPSLongitude: '13/1 24/1 567/100',
            },
          }
        : {}),
    });
  if (xmp) image = image.withXmp(XMP);
  return image.jpeg({ quality: 90 }).toBuffer();
}

/** A PNG with an alpha channel: transparent, with an opaque red square in the top-left corner. */
export async function pngWithAlpha(options: { width: number; height: number }): Promise<Buffer> {
  const { width, height } = options;
  const side = Math.max(1, Math.floor(Math.min(width, height) / 4));
  return sharp({ create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite([
      { input: { create: { width: side, height: side, channels: 4, background: { ...MARKER, alpha: 1 } } }, left: 0, top: 0 },
    ])
    .png()
    .toBuffer();
}

export async function webp(options: { width: number; height: number }): Promise<Buffer> {
  return markedCanvas(options.width, options.height).webp({ quality: 80 }).toBuffer();
}

export async function gif(options: { width: number; height: number }): Promise<Buffer> {
  return markedCanvas(options.width, options.height).gif().toBuffer();
}

export async function tiff(options: { width: number; height: number }): Promise<Buffer> {
  return markedCanvas(options.width, options.height).tiff().toBuffer();
}

/**
 * A real JPEG (noisy, so most of the file is entropy-coded scan data) cut in half: the header is intact,
 * the pixels end early.
 */
export async function truncatedJpeg(options: { width: number; height: number } = { width: 800, height: 600 }): Promise<Buffer> {
  const whole = await noisyJpeg(options.width, options.height);
  return whole.subarray(0, Math.floor(whole.length / 2));
}

/**
 * A valid 8-bit greyscale PNG whose pixels are all black: about 0.9 MB on disk for 30000 x 30000 (900
 * million pixels, 900 MB once inflated). Built by hand in milliseconds: the deflate stream is one
 * compressed block of 1 MiB of zeros repeated (each block ends with a full flush, so it needs no earlier
 * data), then the remainder and an empty final block; the Adler-32 of n zero bytes is (n mod 65521) << 16 | 1.
 */
export function decompressionBomb(options: { width: number; height: number } = { width: 30000, height: 30000 }): Buffer {
  const { width, height } = options;
  const raw = (width + 1) * height; // each row: filter byte 0, then one byte per pixel
  const flush = { level: 9, finishFlush: zlibConstants.Z_FULL_FLUSH };
  const blockSize = 1 << 20;
  const block = deflateRawSync(Buffer.alloc(blockSize), flush);
  const parts: Buffer[] = [Buffer.from([0x78, 0xda])];
  for (let i = 0; i < Math.floor(raw / blockSize); i++) parts.push(block);
  if (raw % blockSize > 0) parts.push(deflateRawSync(Buffer.alloc(raw % blockSize), flush));
  parts.push(Buffer.from([0x03, 0x00]), uint32(((raw % 65521) * 65536 + 1) >>> 0));

  const ihdr = Buffer.concat([uint32(width), uint32(height), Buffer.from([8, 0, 0, 0, 0])]);
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', Buffer.concat(parts)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A 12-megapixel (4000 x 3000) JPEG of about 5 MB, like a phone photo: coarse noise enlarged 4x, so it has
 * detail at every scale without being incompressible. Made once per process (under a second).
 */
export function twelveMegapixelJpeg(): Promise<Buffer> {
  twelveMp ??= sharp({ create: { width: 1000, height: 750, channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .png()
    .toBuffer()
    .then((coarse) => sharp(coarse).resize(4000, 3000).jpeg({ quality: 90 }).toBuffer());
  return twelveMp;
}
let twelveMp: Promise<Buffer> | undefined;

/**
 * A well-formed HEIC container (ftyp `heic`, one `hvc1` item with `hvcC` and `ispe` properties) whose
 * HEVC payload is filler: a header reader gets its size, a decoder fails. sharp cannot write HEIC.
 */
export function heicHeaderOnly(options: { width: number; height: number }): Buffer {
  const box = (type: string, ...body: Buffer[]) => {
    const content = Buffer.concat(body);
    return Buffer.concat([uint32(8 + content.length), Buffer.from(type, 'latin1'), content]);
  };
  const fullBox = (type: string, version: number, ...body: Buffer[]) => box(type, Buffer.from([version, 0, 0, 0]), ...body);
  const payload = Buffer.alloc(64, 0x42);
  // HEVCDecoderConfigurationRecord: version 1, Main profile, level 3, 4:2:0, 8 bit, 4-byte NAL lengths, no arrays.
  const hvcC = box('hvcC', Buffer.from([1, 0x01, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 90, 0xf0, 0, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f, 0]));
  const ispe = fullBox('ispe', 0, uint32(options.width), uint32(options.height));
  const meta = (payloadOffset: number) =>
    fullBox(
      'meta',
      0,
      fullBox('hdlr', 0, uint32(0), Buffer.from('pict', 'latin1'), Buffer.alloc(13)),
      fullBox('pitm', 0, uint16(1)),
      // iloc v0: 4-byte offsets and lengths, no base offset; item 1 has one extent.
      fullBox('iloc', 0, Buffer.from([0x44, 0x00]), uint16(1), uint16(1), uint16(0), uint16(1), uint32(payloadOffset), uint32(payload.length)),
      fullBox('iinf', 0, uint16(1), fullBox('infe', 2, uint16(1), uint16(0), Buffer.from('hvc1\0', 'latin1'))),
      // ipma: item 1 has property 1 (hvcC, essential) and property 2 (ispe).
      box('iprp', box('ipco', hvcC, ispe), fullBox('ipma', 0, uint32(1), uint16(1), Buffer.from([2, 0x81, 0x02]))),
    );
  const ftyp = box('ftyp', Buffer.from('heic', 'latin1'), uint32(0), Buffer.from('mif1heic', 'latin1'));
  const metaLength = meta(0).length;
  return Buffer.concat([ftyp, meta(ftyp.length + metaLength + 8), box('mdat', payload)]);
}

/** The first bytes of a PDF: a file that is not an image. */
export function pdfBytes(): Buffer {
  return Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
}

/** Random bytes that do not start like any image format. */
export function randomNonImage(length = 4096): Buffer {
  const bytes = randomBytes(length);
  // Rule out, by chance, every magic number: JPEG, PNG, RIFF, GIF and TIFF by the first byte, HEIF's `ftyp`.
  bytes[0] = 0x00;
  bytes[4] = 0x00;
  return bytes;
}

/**
 * The tag numbers in IFD0 of a raw EXIF block as sharp's metadata() returns it (`Exif\0\0` + TIFF).
 * 0x0112 is Orientation, 0x8825 the pointer to the GPS IFD.
 */
export function exifIfd0Tags(exif: Buffer): number[] {
  const tiffStart = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? 6 : 0;
  const tiffData = exif.subarray(tiffStart);
  const little = tiffData.subarray(0, 2).toString('latin1') === 'II';
  const u16 = (at: number) => (little ? tiffData.readUInt16LE(at) : tiffData.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiffData.readUInt32LE(at) : tiffData.readUInt32BE(at));
  const ifd0 = u32(4);
  const count = u16(ifd0);
  return Array.from({ length: count }, (_, i) => u16(ifd0 + 2 + i * 12));
}

export const EXIF_TAG_ORIENTATION = 0x0112;
export const EXIF_TAG_GPS_IFD = 0x8825;

async function noisyJpeg(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([uint32(data.length), typeAndData, uint32(crc32(typeAndData))]);
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function uint16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
