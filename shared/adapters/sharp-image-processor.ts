/**
 * The ImageProcessor port on sharp (libvips).
 *
 * HEIC: the prebuilt libvips in sharp 0.35.5 has libheif with the AV1 codec only (the patented HEVC decoder,
 * libde265, is not shipped). It reads a HEIC header, so HEIC files get `imageWidth`/`imageHeight`, but
 * decoding fails ("Support for this compression format has not been built in: HEVC"), so a HEIC thumbnail
 * is a 422 `image_unreadable`. Decoding HEIC needs sharp built against a custom libvips.
 */
import { availableParallelism } from 'node:os';
import type Sharp from 'sharp';
import {
  displayedSize,
  ImageUnreadableError,
  sniffImageFormat,
  THUMBNAIL_CONTENT_TYPES,
  thumbnailRefusal,
  thumbnailSize,
  type ImageInfo,
  type ImageProcessor,
  type Thumbnail,
  type ThumbnailPlan,
} from '../domain/images.ts';
import { Limiter } from '../domain/limiter.ts';

// libvips keeps a cache of recent operations (up to 50 MB / 100 operations by default). A Lambda container
// handles one request at a time, each on a different image, so the cache would hardly ever hit; it would
// only hold memory the next decode needs, and keep decoded patient pixels alive after the request.
//
// sharp is loaded on first use, not on import: only the functions that make thumbnails or read image headers
// ship its native binaries (infra: `nativeModules`), and the others must still start.
let loading: Promise<typeof Sharp> | undefined;
function loadSharp(): Promise<typeof Sharp> {
  loading ??= import('sharp').then(({ default: sharp }) => {
    sharp.cache(false);
    return sharp;
  });
  return loading;
}
// Threads per image are left at sharp's default: 1 on glibc Linux (the Lambda runtime), which sharp picks to
// limit memory fragmentation without jemalloc, and a 200x140 thumbnail of a 12 MP JPEG takes tens of
// milliseconds on one thread thanks to JPEG shrink-on-load. Elsewhere (macOS dev machines) it is the core count.

export interface SharpImageProcessorOptions {
  /** Images with more pixels (stored width x height) are refused before decoding. Default 100 million. */
  limitInputPixels?: number;
  /** Larger inputs are refused before any work. Default: no limit beyond the pixel limit. */
  maxInputBytes?: number;
  /** A thumbnail taking longer is abandoned (422) so the function answers before its own timeout. Default 10. */
  timeoutSeconds?: number;
}

interface Header {
  /** Stored size, before orientation: what decoding costs. */
  width: number;
  height: number;
  orientation: number | undefined;
  format: string;
}

/** Thumbnails decoded at once in this process: one per core. */
const decoding = new Limiter(availableParallelism());

export class SharpImageProcessor implements ImageProcessor {
  private readonly limitInputPixels: number;
  private readonly maxInputBytes: number | undefined;
  private readonly timeoutSeconds: number;

  constructor(options: SharpImageProcessorOptions = {}) {
    this.limitInputPixels = options.limitInputPixels ?? 100_000_000;
    this.maxInputBytes = options.maxInputBytes;
    this.timeoutSeconds = options.timeoutSeconds ?? 10;
  }

  async readInfo(bytes: Uint8Array): Promise<ImageInfo | null> {
    const header = await readHeader(bytes);
    if (!header) return null;
    return { ...displayedSize(header, header.orientation), format: header.format };
  }

  async thumbnail(bytes: Uint8Array, plan: ThumbnailPlan): Promise<Thumbnail> {
    if (this.maxInputBytes !== undefined && bytes.byteLength > this.maxInputBytes) {
      throw new ImageUnreadableError('The image is too large to make a thumbnail of');
    }
    const header = await readHeader(bytes);
    if (!header) throw new ImageUnreadableError();
    // Checked here, from the header, so that an over-limit image is refused without touching its pixels;
    // sharp's own limitInputPixels below is a second guard.
    if (header.width * header.height > this.limitInputPixels) {
      throw new ImageUnreadableError(`The image has more than ${this.limitInputPixels} pixels`);
    }
    const displayed = displayedSize(header, header.orientation);
    const refusal = thumbnailRefusal(displayed, plan);
    if (refusal) throw new ImageUnreadableError(refusal);
    const size = thumbnailSize(displayed, plan);

    // autoOrient as an input option (rather than .rotate()) keeps JPEG shrink-on-load: libjpeg decodes at
    // 1/2, 1/4 or 1/8 scale straight away, and the resize dimensions are those of the oriented image.
    // failOn 'error' refuses truncated or corrupt pixel data but not the harmless warnings phone cameras
    // often trigger. Output drops all metadata (EXIF, GPS, XMP, IPTC, ICC) because nothing asks to keep it.
    try {
      const sharp = await loadSharp();
      let pipeline = sharp(bytes, {
        autoOrient: true,
        failOn: 'error',
        limitInputPixels: this.limitInputPixels,
        sequentialRead: true,
      })
        .resize(size.width, size.height, { fit: 'fill' })
        .timeout({ seconds: this.timeoutSeconds });
      switch (plan.format) {
        case 'jpeg':
          // JPEG has no alpha: put transparent areas on white rather than sharp's default black.
          pipeline = pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: 80, mozjpeg: false });
          break;
        case 'png':
          pipeline = pipeline.png();
          break;
        case 'webp':
          pipeline = pipeline.webp({ quality: 80 });
          break;
      }
      // Decoding is the heavy part: bounded per process, so that a few large images at once cannot hold every
      // libuv worker thread while other requests' I/O waits (the local runtime serves everyone in one process).
      const { data, info } = await decoding.run(() => pipeline.toBuffer({ resolveWithObject: true }));
      return { bytes: data, contentType: THUMBNAIL_CONTENT_TYPES[plan.format], width: info.width, height: info.height };
    } catch (err) {
      throw new ImageUnreadableError(undefined, { cause: err });
    }
  }
}

/**
 * The header of a supported image, without decoding pixels (no pixel limit here, so a decompression bomb
 * still reports its size; failOn 'none' so a truncated file does too). `null` when the bytes are not an
 * image we handle or the header is unreadable.
 */
async function readHeader(bytes: Uint8Array): Promise<Header | null> {
  // Only known raster formats reach libvips: it also parses SVG, which we never want to process.
  if (sniffImageFormat(bytes) === null) return null;
  try {
    const sharp = await loadSharp();
    const meta = await sharp(bytes, { failOn: 'none', limitInputPixels: false }).metadata();
    if (!(meta.width > 0 && meta.height > 0)) return null;
    // Multi-page images (animated GIF, multi-page TIFF) report, and are decoded as, their first page.
    return { width: meta.width, height: meta.height, orientation: meta.orientation, format: meta.format };
  } catch {
    return null;
  }
}
