/**
 * Thumbnails this container served lately, kept in memory so that a grid of thumbnails viewed again (a clinic's
 * file list re-rendered, a patient scrolling back) costs a metadata read instead of a storage read too. The
 * metadata is still read and checked on every request (the caller must see the file, the file must be active);
 * only the bytes come from memory, and only while they belong to the same content: an entry is tied to the
 * file's SHA-256, so an id whose file expired and was reused with other bytes never gets the old picture.
 * Bounded by bytes, least recently used first out; a thumbnail larger than `maxEntryBytes` is not kept.
 */
export interface RecentThumbnail {
  /** SHA-256 of the file the thumbnail was made from. */
  sha256: string;
  bytes: Uint8Array;
}

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
    this.forget(key);
    if (bytes.length > this.maxEntryBytes || bytes.length > this.maxBytes) return;
    this.#entries.set(key, { sha256, bytes });
    this.#bytes += bytes.length;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes.length;
    }
  }

  forget(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes.length;
  }

  /** Bytes held now. */
  get size(): number {
    return this.#bytes;
  }
}
