/** How a file's bytes are stored: the headers storage serves them with, and the expiry backstop's tag. */
import { create as contentDisposition } from 'content-disposition';
import { EXPIRY_TAG, expiryTagValue } from '../expiry.ts';
import type { FileRecord } from '../file.ts';

/** The Content-Type a file is served with, by the route and by storage redirects alike. */
export const servedContentType = (mimeType: string) =>
  mimeType.startsWith('text/') ? `${mimeType}; charset=utf-8` : mimeType;

/** The name travels in the stored object's headers so a storage redirect can serve it; ASCII fallback for old clients. */
export function dispositionFor(name: string, type: 'inline' | 'attachment'): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  return contentDisposition(name, { type, fallback });
}

/** The lifecycle backstop's tag for files with a lifetime. */
export function expiryTags(file: Pick<FileRecord, 'expiresAt' | 'createdAt'>): Record<string, string> | undefined {
  if (!file.expiresAt) return undefined;
  const seconds = (Date.parse(file.expiresAt) - Date.parse(file.createdAt)) / 1000;
  return { [EXPIRY_TAG]: expiryTagValue(seconds) };
}
