/**
 * The checks every upload path shares, in the contract's order: size limits first (413), then the type
 * (415), then the rest (422, with the schema's issues). All of it runs before anything is written.
 */
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError, type FieldIssue } from './errors.ts';
import { detectContentType } from './content-type.ts';
import { extensionOf } from './file.ts';

export interface UploadItem {
  /** Field path for error details, e.g. `files.2`. */
  path: string;
  bytes: Uint8Array;
  declaredType: string | undefined;
  name: unknown;
}

const withoutLineBreaks = (value: string) => (/[\r\n]/.test(value) ? value.replace(/[\r\n]/g, '') : value);

/**
 * Decodes strict base64 (line breaks allowed, as MIME encoders wrap; padding optional); invalid input is 400.
 * Node's decoder skips bad characters silently, so the result is re-encoded and compared: only input that
 * is exactly the canonical encoding of its bytes is accepted (a regex over megabytes is 10× slower).
 */
export function decodeBase64(value: string, path: string): Uint8Array {
  const compact = withoutLineBreaks(value);
  const bytes = Buffer.from(compact, 'base64');
  const padded = compact.length % 4 === 0 ? compact : compact + '='.repeat(4 - (compact.length % 4));
  if (compact.length % 4 === 1 || bytes.toString('base64') !== padded) {
    throw new BadRequestError('Invalid base64', [{ path, message: 'is not valid base64' }]);
  }
  return bytes;
}

/** Decoded size of a base64 string without decoding it. */
export function base64Size(value: string): number {
  const compact = withoutLineBreaks(value);
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  return Math.floor((compact.length * 3) / 4) - padding;
}

export function tooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(
    `Inline uploads are limited to ${limit} bytes per request; upload larger files with POST /v1/uploads`,
  );
}

/** 413 when the request's decoded bytes exceed the inline limit. */
export function checkInlineSize(totalBytes: number, limit: number): void {
  if (totalBytes > limit) throw tooLarge(limit);
}

/**
 * Detects and checks the type of every non-empty item (415 with all offenders); returns the stored types.
 * Empty items are left to `emptyFileIssues` (an empty file is 422 whatever its type).
 */
export async function checkTypes(items: UploadItem[], allowed: ReadonlySet<string>): Promise<(string | undefined)[]> {
  const issues: FieldIssue[] = [];
  const types = await Promise.all(
    items.map(async (item) => {
      if (item.bytes.length === 0) return undefined;
      try {
        const name = typeof item.name === 'string' ? item.name : '';
        return (await detectContentType(item.bytes, item.declaredType, extensionOf(name), allowed, item.path)).mimeType;
      } catch (error) {
        if (error instanceof UnsupportedMediaTypeError) issues.push(...error.details);
        else throw error;
        return undefined;
      }
    }),
  );
  if (issues.length > 0) {
    throw new UnsupportedMediaTypeError(issues.length === 1 ? issues[0]!.message : 'One or more files have a type that is not allowed', issues);
  }
  return types;
}

export function emptyFileIssues(items: UploadItem[], field = 'contents'): FieldIssue[] {
  return items
    .filter((item) => item.bytes.length === 0)
    .map((item) => ({ path: [item.path, field].filter(Boolean).join('.'), message: 'file is empty' }));
}
