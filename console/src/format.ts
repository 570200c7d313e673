/** How sizes, dates and errors read in the console. */
import { MedFilesError } from '@medfiles/client';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export const formatDate = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '—');

/** The API's message and, to quote when reporting it, its requestId. */
export function describeError(error: unknown): { message: string; requestId?: string } {
  if (error instanceof MedFilesError) return { message: error.message, requestId: error.requestId };
  return { message: error instanceof Error ? error.message : String(error) };
}

/** A signed content link with a thumbnail size (or other content options) appended. */
export function withContentOptions(link: string, options: Record<string, string>): string {
  const url = new URL(link, location.href);
  for (const [name, value] of Object.entries(options)) url.searchParams.set(name, value);
  return url.toString();
}

/** Comma- or space-separated ids, trimmed, without blanks. */
export const splitList = (text: string): string[] => text.split(/[\s,]+/).filter((s) => s !== '');
