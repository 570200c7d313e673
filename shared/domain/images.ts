/**
 * Images: the rules for image dimensions and thumbnails (API.md, `imageWidth`/`imageHeight` and
 * `GET /v1/files/{id}/content?imageSize=WxH&format=...`), and the port an image library implements.
 * Pure code: no I/O, no image library.
 */
import { AppError, type FieldIssue } from './errors.ts';

export interface Size {
  width: number;
  height: number;
}

/** What an image header says. */
export interface ImageInfo {
  /** Displayed width: after EXIF orientation (orientations 5–8 swap width and height). */
  width: number;
  /** Displayed height: after EXIF orientation. */
  height: number;
  /** The decoder that recognised the header: `jpeg`, `png`, `webp`, `gif`, `tiff` or `heif` (HEIC/HEIF). */
  format: string;
}

export const THUMBNAIL_FORMATS = ['jpeg', 'png', 'webp'] as const;

export type ThumbnailFormat = (typeof THUMBNAIL_FORMATS)[number];

export const THUMBNAIL_CONTENT_TYPES: Readonly<Record<ThumbnailFormat, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

/** The largest side a client may ask for in `imageSize`. */
export const MAX_THUMBNAIL_SIDE = 4096;

/**
 * A thumbnail request: the box asked for with `imageSize` (not the output size, which the processor works
 * out with {@link thumbnailSize} from the image's own oriented size) and the output format.
 */
export interface ThumbnailPlan {
  width: number;
  height: number;
  format: ThumbnailFormat;
}

export interface Thumbnail {
  bytes: Uint8Array;
  contentType: string;
  width: number;
  height: number;
}

/** Reads image headers and makes thumbnails (sharp in `shared/adapters/sharp-image-processor.ts`). */
export interface ImageProcessor {
  /**
   * The displayed size and format from the header alone: pixels are never decoded, so this is fast even for
   * a decompression bomb, and a truncated image still has its size. `null` for anything that is not a
   * supported image (PDF, text, random bytes) or whose header cannot be read.
   */
  readInfo(bytes: Uint8Array): Promise<ImageInfo | null>;
  /**
   * An auto-oriented, metadata-free thumbnail of the size {@link thumbnailSize} gives for `plan`.
   * @throws ImageUnreadableError when the image cannot be decoded (damaged, truncated, a codec we lack such
   *   as HEVC) or its pixel count is over the limit; the limit is checked from the header before decoding.
   */
  thumbnail(bytes: Uint8Array, plan: ThumbnailPlan): Promise<Thumbnail>;
}

/** 422 `image_unreadable`. The message is generic on purpose: it never names the file. */
export class ImageUnreadableError extends AppError {
  constructor(message = 'The image cannot be decoded', options: { cause?: unknown } = {}) {
    super(422, 'image_unreadable', message, { expose: true });
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** The image types of the default allow-list. */
const IMAGE_MIMES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/heic',
  'image/heif',
  'image/tiff',
]);

/** Whether a (detected) MIME type is one of the image types we read sizes of and make thumbnails from. */
export function isImageMime(mime: string): boolean {
  return IMAGE_MIMES.has(mime);
}

export type ThumbnailQueryIssue = FieldIssue & { path: 'imageSize' | 'format' };

export type ThumbnailQuery =
  | { ok: true; size: Size | null; format: ThumbnailFormat | undefined }
  | { ok: false; errors: ThumbnailQueryIssue[] };

/** `WxH`, each side written as a plain decimal with no sign, leading zero, blank or fraction. */
const IMAGE_SIZE = /^([1-9][0-9]{0,3})x([1-9][0-9]{0,3})$/;

/**
 * Validates the `imageSize` and `format` query parameters of the content route. `size` is `null` when no
 * `imageSize` was given (the original bytes are wanted); a `format` on its own is still validated.
 * Every bad field is reported; nothing is thrown.
 */
export function parseThumbnailQuery(imageSize?: string, format?: string): ThumbnailQuery {
  const errors: ThumbnailQueryIssue[] = [];
  let size: Size | null = null;
  if (imageSize !== undefined) {
    const m = IMAGE_SIZE.exec(imageSize);
    const width = Number(m?.[1]);
    const height = Number(m?.[2]);
    if (m && width <= MAX_THUMBNAIL_SIDE && height <= MAX_THUMBNAIL_SIDE) {
      size = { width, height };
    } else {
      errors.push({
        path: 'imageSize',
        message: `must be WIDTHxHEIGHT, each a whole number from 1 to ${MAX_THUMBNAIL_SIDE} (e.g. 200x140)`,
      });
    }
  }
  let thumbnailFormat: ThumbnailFormat | undefined;
  if (format !== undefined) {
    if ((THUMBNAIL_FORMATS as readonly string[]).includes(format)) {
      thumbnailFormat = format as ThumbnailFormat;
    } else {
      errors.push({ path: 'format', message: `must be one of ${THUMBNAIL_FORMATS.join(', ')}` });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, size, format: thumbnailFormat };
}

/**
 * The size an image is displayed at: EXIF orientations 5–8 (transpose, rotate 90°, transverse,
 * rotate 270°) swap width and height; 1–4, a missing or an invalid tag do not.
 */
export function displayedSize(stored: Size, orientation?: number): Size {
  return orientation !== undefined && orientation >= 5 && orientation <= 8
    ? { width: stored.height, height: stored.width }
    : { width: stored.width, height: stored.height };
}

/**
 * The output size of a thumbnail: aspect fill without cropping, so neither side is smaller than asked
 * (scale = max(W/width, H/height)), never upscaled (scale capped at 1), each side rounded and at least 1.
 * `source` is the displayed (oriented) size.
 */
export function thumbnailSize(source: Size, requested: Size): Size {
  const scale = Math.min(1, Math.max(requested.width / source.width, requested.height / source.height));
  return {
    width: Math.max(1, Math.round(source.width * scale)),
    height: Math.max(1, Math.round(source.height * scale)),
  };
}

/** Thumbnails of images longer than this many times their width (or wider than their height) are refused. */
export const MAX_THUMBNAIL_ASPECT_RATIO = 100;
/**
 * The most pixels a thumbnail may have. Aspect fill overshoots the box on the long side: a 16:9 photo asked for
 * the largest box, 4096x4096, is 7282 x 4096 (29.8 megapixels), which fits; a long strip asked for a large box
 * does not.
 */
export const MAX_THUMBNAIL_PIXELS = 32 * 1024 * 1024;

/**
 * Why a thumbnail of `source` (the displayed size, from the header) in the box `requested` is refused, or null.
 * Checked before any decoding: an extreme aspect ratio makes "neither side smaller than asked" an enormous
 * output (a 10 x 9,000,000 PNG asked for 4096x1 would be the whole 90 megapixels), and decoding it alone takes
 * seconds. Small bytes, cheap header, refused in microseconds.
 */
export function thumbnailRefusal(source: Size, requested: Size): string | null {
  const ratio = Math.max(source.width / source.height, source.height / source.width);
  if (ratio > MAX_THUMBNAIL_ASPECT_RATIO) {
    return `The image is more than ${MAX_THUMBNAIL_ASPECT_RATIO} times longer than it is wide; no thumbnail is made of it`;
  }
  const out = thumbnailSize(source, requested);
  if (out.width * out.height > MAX_THUMBNAIL_PIXELS) return 'The thumbnail would have more than 32 megapixels; ask for a smaller imageSize';
  return null;
}

/** The thumbnail's format: the requested one, else the source's own for JPEG/PNG/WebP, else PNG. */
export function thumbnailFormat(sourceMime: string, requested?: ThumbnailFormat): ThumbnailFormat {
  if (requested) return requested;
  switch (sourceMime) {
    case 'image/jpeg':
      return 'jpeg';
    case 'image/webp':
      return 'webp';
    default:
      // PNG itself, and HEIC/HEIF, TIFF, GIF: lossless and understood by every browser.
      return 'png';
  }
}

/**
 * The image format named by the first bytes (magic numbers), for the formats we decode; `null` otherwise.
 * A guard in front of the image library: anything else (SVG, PDF, arbitrary bytes) is never handed to it.
 */
export function sniffImageFormat(bytes: Uint8Array): 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'heif' | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (bytes.length >= 6 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return 'gif';
  if (bytes.length >= 4 && (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*')) return 'tiff';
  if (bytes.length >= 16 && ascii(4, 8) === 'ftyp') {
    // ISO-BMFF: the major brand, then (after the minor version) the compatible brands.
    const end = Math.min(bytes.length, new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0));
    const brands = [ascii(8, 12)];
    for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(at, at + 4));
    if (brands.some((b) => HEIF_BRANDS.has(b))) return 'heif';
  }
  return null;
}

/**
 * HEIF image and sequence brands (ISO/IEC 23008-12); `avif`/`avis` are HEIF with AV1. The image library
 * makes the final call (libvips looks at the major brand).
 */
const HEIF_BRANDS: ReadonlySet<string> = new Set([
  'heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1', 'avif', 'avis',
]);
