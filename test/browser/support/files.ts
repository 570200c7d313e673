/** Files the browser tests upload, made in memory. */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';

export { pdf } from '../../support/e2e-files.ts';

/** A PNG of noise, which does not compress: `bytes` (about) in size, above the client's inline limit. */
export async function largePng(bytes = 5 * 1024 * 1024): Promise<Buffer> {
  const side = Math.ceil(Math.sqrt(bytes / 3));
  return sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
}

/** A distinct name per run, so tests sharing the demo tenant find their own files. */
export const uniqueName = (base: string, ext: string): string => `${base}-${randomBytes(3).toString('hex')}.${ext}`;

/** A picture-like image (sky, sun, hills) drawn from SVG, so thumbnails in the screenshot look like photos. */
export function photo(hue: number, format: 'png' | 'jpeg' = 'png', width = 640, height = 480): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="hsl(${hue},70%,55%)"/><stop offset="1" stop-color="hsl(${hue + 40},80%,85%)"/>
    </linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#sky)"/>
    <circle cx="${width * 0.7}" cy="${height * 0.3}" r="${height * 0.12}" fill="hsl(${hue + 180},90%,60%)"/>
    <ellipse cx="${width * 0.3}" cy="${height}" rx="${width * 0.6}" ry="${height * 0.4}" fill="hsl(${hue + 90},45%,35%)"/>
  </svg>`;
  return sharp(Buffer.from(svg)).toFormat(format).toBuffer();
}
