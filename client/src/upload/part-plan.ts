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
}

/** Every part but the last has `partSize` bytes; no `partSize` means one PUT of everything. */
export function planParts(size: number, partSize?: number): PlannedPart[] {
  if (partSize === undefined) return [{ partNumber: 1, start: 0, end: size }];
  const count = Math.max(1, Math.ceil(size / partSize));
  return Array.from({ length: count }, (_, i) => ({ partNumber: i + 1, start: i * partSize, end: Math.min(size, (i + 1) * partSize) }));
}

/**
 * Headers the fetch implementation sets itself from the body (and browsers refuse to be given); the server
 * lists `Content-Length` because it is signed, and the Blob part has exactly that size.
 */
const SET_BY_FETCH = new Set(['content-length', 'host']);

/** Where each part goes, from a create or renew answer. */
export function partTargets(target: UploadTarget): Map<number, PartTarget> {
  if ('method' in target) {
    const headers = Object.fromEntries(Object.entries(target.headers).filter(([name]) => !SET_BY_FETCH.has(name.toLowerCase())));
    return new Map([[1, { url: target.url, headers }]]);
  }
  return new Map(target.parts.map((part) => [part.partNumber, { url: part.url, headers: {} }]));
}
