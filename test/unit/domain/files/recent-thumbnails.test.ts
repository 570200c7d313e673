/**
 * Thumbnails kept in memory: bounded by bytes (least recently used out first), tied to the content they were made
 * from, and never a way around the metadata check — FileContent still reads the record and applies visibility and
 * state on every request, and only takes the bytes from memory.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Caller, FileRecord } from '../../../../shared/domain/file.ts';
import { FileContent } from '../../../../shared/domain/files/content.ts';
import { RecentThumbnails } from '../../../../shared/domain/files/recent-thumbnails.ts';
import { NotFoundError } from '../../../../shared/domain/errors.ts';
import type { Thumbnailer } from '../../../../shared/domain/thumbnails.ts';
import { fileRecord } from '../../../support/integration-records.ts';
import { InMemoryFileIndex, InMemoryFileStore } from '../../../support/in-memory-ports.ts';
import { memoryAuditor } from '../../../support/in-memory-audit-trail.ts';

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

describe('RecentThumbnails', () => {
  it('keeps entries up to its byte budget, dropping the least recently used first', () => {
    const recent = new RecentThumbnails(10, 10);
    recent.remember('a', 'sa', bytes(4));
    recent.remember('b', 'sb', bytes(4));
    expect(recent.peek('a')?.sha256).toBe('sa'); // a is now the most recently used
    recent.remember('c', 'sc', bytes(4));
    expect(recent.peek('b')).toBeUndefined();
    expect(recent.peek('a')?.sha256).toBe('sa');
    expect(recent.peek('c')?.sha256).toBe('sc');
    expect(recent.size).toBe(8);
  });

  it('does not keep an entry larger than the per-entry limit, and replacing an entry frees the old bytes', () => {
    const recent = new RecentThumbnails(100, 10);
    recent.remember('big', 's', bytes(11));
    expect(recent.peek('big')).toBeUndefined();
    recent.remember('k', 's1', bytes(6));
    recent.remember('k', 's2', bytes(3));
    expect(recent.peek('k')?.sha256).toBe('s2');
    expect(recent.size).toBe(3);
    recent.forget('k');
    expect(recent.size).toBe(0);
  });
});

describe('FileContent with thumbnails in memory', () => {
  const tenantId = 't1';
  const provider: Caller = { sub: 'provider-1', tenantId, role: 'provider', via: 'token' };
  const otherPatient: Caller = { sub: 'patient-9', tenantId, role: 'patient', via: 'token' };
  let index: InMemoryFileIndex;
  let store: InMemoryFileStore;
  let made: number;
  let content: FileContent;
  let photo: FileRecord;
  const box = { width: 200, height: 140, format: undefined };

  const thumbnails: Thumbnailer = {
    make: async () => {
      made += 1;
      return { status: 'ok', contentType: 'image/jpeg', size: 3, bytes: bytes(3, made) };
    },
  };

  beforeEach(async () => {
    index = new InMemoryFileIndex();
    store = new InMemoryFileStore();
    made = 0;
    content = new FileContent({
      store, index, thumbnails, inlineResponseMaxBytes: 1024, redirectTtlSeconds: 60,
      recentThumbnails: new RecentThumbnails(1024, 1024), auditor: memoryAuditor(),
    });
    photo = fileRecord({ tenantId, ownerId: 'patient-1', mimeType: 'image/jpeg', originalName: 'rash.jpg' });
    await index.create(photo);
  });

  const get = (caller: Caller = provider) => content.getContent(caller, photo.id, { download: false, thumbnail: box });
  const opened = () => store.calls.filter((c) => c.op === 'open').length;

  it('serves a thumbnail it served before from memory, without opening storage, as a hit', async () => {
    const first = await get();
    expect(first).toMatchObject({ kind: 'inline', cache: 'miss' });
    const before = opened();
    const again = await get();
    expect(again).toMatchObject({ kind: 'inline', cache: 'hit', contentType: 'image/jpeg' });
    expect(again.kind === 'inline' && [...again.bytes]).toEqual([1, 1, 1]);
    expect(opened()).toBe(before);
    expect(made).toBe(1);
  });

  it('remembers a refusal: asking again is the same 422 without calling the thumbnail function (issue 8)', async () => {
    const refusing = new FileContent({
      store, index, inlineResponseMaxBytes: 1024, redirectTtlSeconds: 60, recentThumbnails: new RecentThumbnails(1024, 1024), auditor: memoryAuditor(),
      thumbnails: { make: async () => ((made += 1), { status: 'unreadable', message: 'The image is more than 100 times longer than it is wide' }) },
    });
    const ask = () => refusing.getContent(provider, photo.id, { download: false, thumbnail: box });
    await expect(ask()).rejects.toThrow('more than 100 times longer');
    await expect(ask()).rejects.toThrow('more than 100 times longer');
    expect(made).toBe(1);
    await expect(refusing.getContent(otherPatient, photo.id, { download: false, thumbnail: box })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('still checks the caller and the file on every request', async () => {
    await get();
    await expect(get(otherPatient)).rejects.toBeInstanceOf(NotFoundError);
    await index.replace({ ...photo, state: 'archived', version: 2 }, 1);
    await expect(get()).rejects.toBeInstanceOf(NotFoundError);
  });

  it('does not serve a remembered thumbnail of other content under the same id: it goes back to storage', async () => {
    await get();
    // The id now holds other bytes (an expired file's id reused): same key, different SHA-256.
    await index.replace({ ...photo, sha256: 'f'.repeat(64), version: 2 }, 1);
    const before = opened();
    const result = await get();
    expect(opened()).toBeGreaterThan(before);
    expect(result).toMatchObject({ kind: 'inline' });
  });
});
