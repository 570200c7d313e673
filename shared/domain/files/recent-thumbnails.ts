/**
 * Thumbnails this container served lately, kept in memory so that a grid of thumbnails viewed again (a clinic's
 * file list re-rendered, a patient scrolling back) costs a metadata read instead of a storage read too. The
 * metadata is still read and checked on every request (the caller must see the file, the file must be active);
 * only the bytes come from memory, and only while they belong to the same content: an entry is tied to the
 * file's SHA-256, so an id whose file expired and was reused with other bytes never gets the old picture.
 * Bounded by bytes, least recently used first out; a thumbnail larger than `maxEntryBytes` is not kept.
 *
 * A refusal is remembered the same way (an image no thumbnail can be made of, in that box): asking again answers
 * the same 422 at once, without another read of the original or another call to the thumbnail function.
 */
export type RecentThumbnail =
  /** `sha256`: of the file the thumbnail was made from. */
  | { sha256: string; bytes: Uint8Array; refusal?: undefined }
  | { sha256: string; refusal: string; bytes?: undefined };

/** What a remembered refusal counts against the byte budget. */
const REFUSAL_BYTES = 256;

export class RecentThumbnails {
  readonly #entries = new Map<string, RecentThumbnail>();
  #bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxEntryBytes: number,
  ) {}

  /** The entry under `key`, if there is one (it may belong to other content: compare `sha256`). */
  peek(key: string): RecentThumbnail | undefined {
    const entry = this.#entries.get(key);
    if (entry) {
      // Most recently used last: Map keeps insertion order.
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  remember(key: string, sha256: string, bytes: Uint8Array): void {
    this.#keep(key, { sha256, bytes });
  }

  /** The thumbnail function's refusal of this file in this box (its message names no patient data). */
  rememberRefusal(key: string, sha256: string, refusal: string): void {
    this.#keep(key, { sha256, refusal });
  }

  forget(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= sizeOf(entry);
  }

  #keep(key: string, entry: RecentThumbnail): void {
    this.forget(key);
    const size = sizeOf(entry);
    if (size > this.maxEntryBytes || size > this.maxBytes) return;
    this.#entries.set(key, entry);
    this.#bytes += size;
    for (const [oldest, kept] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= sizeOf(kept);
    }
  }

  /** Bytes held now. */
  get size(): number {
    return this.#bytes;
  }
}

const sizeOf = (entry: RecentThumbnail) => (entry.bytes ? entry.bytes.length : REFUSAL_BYTES);
