/**
 * What a file really is: the type is detected from the bytes (magic numbers, via the `file-type` library),
 * checked against the type the client declared and against the allow-list. Text has no magic number, so it
 * is accepted only as valid UTF-8 with no control characters and nothing that a browser could run as markup.
 */
import { fileTypeFromBuffer } from 'file-type';
import { UnsupportedMediaTypeError } from './errors.ts';

/** Aliases clients send for the types we store. */
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
  'image/heic-sequence': 'image/heic',
  'image/heif-sequence': 'image/heif',
  'application/x-dicom': 'application/dicom',
  'video/x-m4v': 'video/mp4',
  'application/csv': 'text/csv',
  'text/comma-separated-values': 'text/csv',
};

/** Types that are one family: either may be declared for the other (e.g. iPhones label HEIF as HEIC). */
const FAMILIES: string[][] = [['image/heic', 'image/heif'], ['text/plain', 'text/csv']];

/** Old Office formats share one container (CFB); the declared type or extension says which it is. */
const CFB_TYPES: Record<string, string> = {
  'application/msword': 'application/msword',
  'application/vnd.ms-excel': 'application/vnd.ms-excel',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
};

/** Normalizes a declared Content-Type; `undefined` when nothing useful was declared. */
export function normalizeDeclaredType(declared: string | undefined | null): string | undefined {
  if (!declared) return undefined;
  const base = declared.split(';')[0]!.trim().toLowerCase();
  if (!base || base === 'application/octet-stream' || base === 'binary/octet-stream') return undefined;
  return ALIASES[base] ?? base;
}

const sameFamily = (a: string, b: string) => a === b || FAMILIES.some((f) => f.includes(a) && f.includes(b));

/** Markup that starts a document, and markup anywhere in it. */
const MARKUP_START = /^\s*(<|#!)/;
const MARKUP_INSIDE = /<\s*(script|html|svg|iframe|object|embed|body|head|meta|\?xml)\b/i;
/** Tabs, line breaks and form feeds are text; other C0 controls, DEL and NUL mean binary. */
const CONTROLS = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/;
/** Text kept from one window for the next, so that markup cut in two by a window edge is still seen. */
const CARRY = 256;

/**
 * Checks that bytes are plain text — valid UTF-8, no control characters, no markup anywhere — window by window, so
 * that a large file read in ranges gets the same check as an inline one read whole. A character or a tag split
 * by a window edge is still seen (the decoder streams; the end of each window is carried into the next).
 */
export class TextScan {
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  #carried: string | undefined;
  #text = true;

  /** Feeds the next bytes (`last` for the final window); false once they are not plain text. */
  push(bytes: Uint8Array, last: boolean): boolean {
    if (!this.#text) return false;
    let text: string;
    try {
      text = this.#decoder.decode(bytes, { stream: !last });
    } catch {
      return (this.#text = false);
    }
    const first = this.#carried === undefined;
    const window = first ? text.replace(/^\uFEFF/, '') : this.#carried + text;
    if (CONTROLS.test(text) || MARKUP_INSIDE.test(window) || (first && MARKUP_START.test(window))) return (this.#text = false);
    this.#carried = window.slice(-CARRY);
    return true;
  }
}

/** The whole text (at most the inline limit): markup further in would still be markup to a browser. */
function looksLikeText(bytes: Uint8Array): boolean {
  return new TextScan().push(bytes, true);
}

export interface TypeCheck {
  /** The type to store. */
  mimeType: string;
}

/**
 * Detects the type of `bytes` and checks it. Throws UnsupportedMediaTypeError (415) when the type is not
 * allowed or the bytes are not what was declared. `path` names the field in error details.
 */
export async function detectContentType(
  bytes: Uint8Array,
  declaredRaw: string | undefined | null,
  extension: string,
  allowed: ReadonlySet<string>,
  path: string,
): Promise<TypeCheck> {
  const declared = normalizeDeclaredType(declaredRaw);
  const refuse = (message: string): never => {
    throw new UnsupportedMediaTypeError(message, [{ path, message }]);
  };
  if (declared && !allowed.has(declared)) refuse(`Declared type ${declared} is not allowed`);

  const detected = await fileTypeFromBuffer(bytes);
  let actual: string;
  if (!detected) {
    if (!looksLikeText(bytes)) refuse('The content type could not be recognised or is not allowed');
    actual = declared === 'text/csv' || (!declared && extension === 'csv') ? 'text/csv' : 'text/plain';
  } else if (detected.mime === 'application/x-cfb') {
    const cfb = (declared && CFB_TYPES[declared]) ?? CFB_TYPES[extension];
    if (!cfb) return refuse('The content is an OLE container that is not a Word or Excel document');
    actual = cfb;
  } else {
    actual = ALIASES[detected.mime] ?? detected.mime;
  }
  if (!allowed.has(actual)) refuse(`Content of type ${actual} is not allowed`);
  if (declared && !sameFamily(declared, actual)) refuse(`The content is ${actual}, not the declared ${declared}`);
  return { mimeType: actual };
}
