/**
 * A file's bytes (`GET /v1/files/{id}/content`): inline up to the response limit, else a short-lived storage
 * redirect; thumbnails from the cache or the thumbnailer. Bytes and metadata are read at the same time, and the
 * bytes are dropped unread unless the caller may have them.
 */
import type { Auditor } from '../audit/auditor.ts';
import type { AuditAction } from '../audit/records.ts';
import { InternalError, NotFoundError } from '../errors.ts';
import { contentKey, type Caller, type FileRecord } from '../file.ts';
import { ImageUnreadableError, isImageMime, thumbnailFormat, type ThumbnailFormat } from '../images.ts';
import type { FileIndex, FileStore, ObjectHandle } from '../ports.ts';
import { thumbnailKey, type Thumbnailer } from '../thumbnails.ts';
import { auditedFile, type Clock } from './lookup.ts';
import type { RecentThumbnails } from './recent-thumbnails.ts';
import { dispositionFor, expiryTags, servedContentType } from './stored-object.ts';

export type ContentResult =
  | {
      kind: 'inline';
      file: FileRecord;
      bytes: Uint8Array;
      contentType: string;
      disposition: string;
      /** Set for thumbnails: whether it came from the cache. */
      cache?: 'hit' | 'miss';
      /** Set for thumbnails: the requested box and format, for the ETag. */
      variant?: string;
    }
  | { kind: 'redirect'; file: FileRecord; url: string };

export interface ContentOptions {
  download: boolean;
  /** A thumbnail of at most this box (aspect fill, never upscaled); ignored for non-images. */
  thumbnail?: { width: number; height: number; format: ThumbnailFormat | undefined };
}

export interface FileContentDeps extends Clock {
  store: FileStore;
  index: FileIndex;
  thumbnails: Thumbnailer;
  inlineResponseMaxBytes: number;
  redirectTtlSeconds: number;
  /** Thumbnails served lately, in memory (per container); none: every cached thumbnail is read from storage. */
  recentThumbnails?: RecentThumbnails;
  /** Every download and thumbnail is recorded (written while the bytes are read) before it is served. */
  auditor: Auditor;
}

export class FileContent {
  readonly #d: FileContentDeps;
  readonly #now: () => Date;

  constructor(deps: FileContentDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  async getContent(caller: Caller, id: string, options: ContentOptions): Promise<ContentResult> {
    if (options.thumbnail) {
      const thumbnail = await this.#thumbnail(caller, id, options.thumbnail, options.download);
      if (thumbnail) return thumbnail;
    }
    const opening = this.#d.store.open(contentKey(caller.tenantId, id));
    let used = false;
    try {
      const file = await this.#active(caller, id, 'download');
      return await this.#d.auditor.during(caller, [{ fileId: file.id, action: 'download' }], async (): Promise<ContentResult> => {
        if (file.size > this.#d.inlineResponseMaxBytes) {
          // The stored object carries `attachment` with the name; inline viewing overrides only the type word,
          // so no name ever appears in the URL.
          const url = await this.#d.store.presignGet(
            contentKey(file.tenantId, file.id),
            this.#d.redirectTtlSeconds,
            options.download ? undefined : 'inline',
          );
          return { kind: 'redirect', file, url };
        }
        const handle = await opening;
        if (!handle) throw new InternalError('stored object is missing');
        used = true;
        return {
          kind: 'inline',
          file,
          bytes: await handle.read(),
          contentType: servedContentType(file.mimeType),
          disposition: dispositionFor(file.originalName, options.download ? 'attachment' : 'inline'),
        };
      });
    } finally {
      if (!used) void opening.then((h) => h?.abort(), () => undefined);
    }
  }

  /**
   * A cached thumbnail, or a fresh one from the thumbnailer (which caches it); `null` for a non-image (which
   * gets its original bytes). The cache entry is opened while the metadata is read, and dropped unread if the
   * caller may not have it; one served lately by this container comes from memory (./recent-thumbnails.ts).
   */
  async #thumbnail(
    caller: Caller,
    id: string,
    box: NonNullable<ContentOptions['thumbnail']>,
    download: boolean,
  ): Promise<ContentResult | null> {
    const entry = { tenantId: caller.tenantId, fileId: id, width: box.width, height: box.height, variant: box.format ?? 'auto' } as const;
    const key = thumbnailKey(entry);
    const recent = this.#d.recentThumbnails;
    // A thumbnail in memory is not read from storage again, unless it turns out to be of other content.
    const remembered = recent?.peek(key);
    let opening: Promise<ObjectHandle | null> = remembered ? Promise.resolve(null) : this.#d.store.open(key);
    let used = false;
    try {
      const file = await this.#active(caller, id, 'thumbnail');
      if (!isImageMime(file.mimeType)) return null;
      const format = thumbnailFormat(file.mimeType, box.format);
      const base = file.originalName.replace(/\.[^.]*$/, '') || 'image';
      const common = {
        kind: 'inline' as const,
        file,
        contentType: `image/${format}`,
        disposition: dispositionFor(`${base}.${format === 'jpeg' ? 'jpg' : format}`, download ? 'attachment' : 'inline'),
        variant: `${box.width}x${box.height}.${entry.variant}`,
      };
      // Thumbnails too large for an inline response (a 4096x4096 PNG can be) go by storage redirect, like files.
      const redirect = async (): Promise<ContentResult> => ({
        kind: 'redirect',
        file,
        url: await this.#d.store.presignGet(key, this.#d.redirectTtlSeconds),
      });
      return await this.#d.auditor.during(caller, [{ fileId: file.id, action: 'thumbnail' }], async (recorded): Promise<ContentResult> => {
        if (remembered?.sha256 === file.sha256) {
          if (remembered.refusal !== undefined) throw new ImageUnreadableError(remembered.refusal);
          return { ...common, bytes: remembered.bytes, cache: 'hit' };
        }
        if (remembered) opening = this.#d.store.open(key);
        const cached = await opening;
        if (cached) {
          if (cached.size > this.#d.inlineResponseMaxBytes) return redirect();
          used = true;
          const bytes = await cached.read();
          recent?.remember(key, file.sha256, bytes);
          return { ...common, bytes, cache: 'hit' };
        }
        // Making one caches it in storage: not for a request whose record could not be written.
        await recorded;
        const made = await this.#d.thumbnails.make({ ...entry, format, tags: expiryTags(file) });
        if (made.status === 'unreadable') {
          recent?.rememberRefusal(key, file.sha256, made.message);
          throw new ImageUnreadableError(made.message);
        }
        if (made.size > this.#d.inlineResponseMaxBytes) return redirect();
        let bytes = made.bytes;
        if (!bytes) {
          const stored = await this.#d.store.open(key);
          if (!stored) throw new InternalError('thumbnail missing after it was made');
          bytes = await stored.read();
        }
        recent?.remember(key, file.sha256, bytes);
        return { ...common, bytes, contentType: made.contentType, cache: 'miss' };
      });
    } finally {
      if (!used) void opening.then((h) => h?.abort(), () => undefined);
    }
  }

  /** Archived files have no content to serve; an attempt on a file the caller may not see is recorded as denied. */
  async #active(caller: Caller, id: string, action: AuditAction): Promise<FileRecord> {
    const file = await auditedFile(this.#d.index, this.#d.auditor, caller, id, [action], this.#now());
    if (file.state !== 'active') throw new NotFoundError('File not found');
    return file;
  }
}
