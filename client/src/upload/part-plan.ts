/**
 * The byte ranges of a direct upload and the URLs to send them to. A single-PUT upload is one part (number 1)
 * covering the whole object, so sending and resuming work the same way for both kinds.
 */
import type { UploadTarget } from '../types.ts';

export interface PlannedPart {
  partNumber: number;
  start: number;
  end: number;
}

export interface PartTarget {
  url: string;
  headers: Record<string, string>;
  /** When the URL stops working (epoch ms), from the answer's `expiresAt`. */
  expiresAt: number;
}

/** Every part but the last has `partSize` bytes; no `partSize` means one PUT of everything. */
export function planParts(size: number, partSize?: number): PlannedPart[] {
  if (partSize === undefined) return [{ partNumber: 1, start: 0, end: size }];
  const count = Math.max(1, Math.ceil(size / partSize));
  return Array.from({ length: count }, (_, i) => ({ partNumber: i + 1, start: i * partSize, end: Math.min(size, (i + 1) * partSize) }));
}

/**
 * Where each part goes, from a create or renew answer. A single PUT sends the headers the server lists, as
 * given (its signed type, disposition and checksum). `Content-Length` is signed too but not listed: fetch sets it
 * from the body, which is exactly the declared size.
 */
export function partTargets(target: UploadTarget): Map<number, PartTarget> {
  const expiresAt = Date.parse(target.expiresAt);
  if ('method' in target) return new Map([[1, { url: target.url, headers: target.headers, expiresAt }]]);
  return new Map(target.parts.map((part) => [part.partNumber, { url: part.url, headers: {}, expiresAt }]));
}
