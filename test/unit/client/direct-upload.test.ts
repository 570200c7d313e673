/**
 * A direct upload against a fake API and storage: expired URLs are renewed in batches (one call, not one per
 * part), in windows of at most 1,000 parts, and before a part starts when its URL is about to expire.
 */
import { describe, expect, it } from 'vitest';
import type { Files } from '../../../client/src/resources/files.ts';
import type { Uploads } from '../../../client/src/resources/uploads.ts';
import type { UploadPart, UploadTarget } from '../../../client/src/types.ts';
import { uploadDirect } from '../../../client/src/upload/direct-upload.ts';

const FILE_ID = '0193a5c2-0000-7000-8000-000000000000';
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const reservation = { name: 'scan.pdf', mimeType: 'application/pdf', size: 0 };

interface Fake {
  size: number;
  /** Absent: one PUT. */
  partSize?: number;
  /** When the create answer's URLs expire; default in an hour. */
  createExpiresAt?: string;
  /** Storage's refusal of a PUT to `url`, if any. */
  refuse?: (url: string) => Response | undefined;
}

/** URLs name the answer they came in: `g0` the create answer, `g1` the first renewal, ... */
function fake({ size, partSize, createExpiresAt, refuse }: Fake) {
  const renewals: (number[] | undefined)[] = [];
  const puts: string[] = [];
  let completed: UploadPart[] | undefined;
  const all = Array.from({ length: partSize === undefined ? 1 : Math.ceil(size / partSize) }, (_, i) => i + 1);
  const target = (generation: number, partNumbers: number[], expiresAt: string): UploadTarget =>
    partSize === undefined
      ? { fileId: FILE_ID, method: 'PUT', url: `https://s3.test/g${generation}/object`, headers: {}, expiresAt }
      : { fileId: FILE_ID, partSize, parts: partNumbers.map((n) => ({ partNumber: n, url: `https://s3.test/g${generation}/part-${n}` })), expiresAt };
  const uploads = {
    // The server answers at most 1,000 URLs.
    create: async () => target(0, all.slice(0, 1000), createExpiresAt ?? inSeconds(3600)),
    status: async () => ({ fileId: FILE_ID, status: 'pending', size, ...(partSize !== undefined && { partSize }), parts: [], expiresAt: inSeconds(3600) }),
    renew: async (_fileId: string, partNumbers?: number[]) => {
      renewals.push(partNumbers);
      if ((partNumbers?.length ?? 0) > 1000) throw new Error('the server answers at most 1,000 URLs');
      return target(renewals.length, partNumbers ?? all, inSeconds(3600));
    },
    complete: async (_fileId: string, parts?: UploadPart[]) => {
      completed = parts;
      return { id: FILE_ID };
    },
  } as unknown as Uploads;
  const fetch = (async (url: string) => {
    puts.push(url);
    return refuse?.(url) ?? new Response(null, { status: 200, headers: { etag: `"${url.split('/').slice(-2).join('/')}"` } });
  }) as unknown as typeof globalThis.fetch;
  return {
    api: { uploads, files: {} as Files, fetch },
    blob: new Blob([new Uint8Array(size)]),
    renewals,
    puts,
    completed: () => completed,
  };
}

const expiredToken = () => new Response('<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>', { status: 400 });
const fromCreate = (url: string) => url.includes('/g0/');
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('uploadDirect', () => {
  it('renews every unsent part in one call when storage refuses a URL as expired (400 ExpiredToken)', async () => {
    const f = fake({ size: 10, partSize: 1, refuse: (url) => (fromCreate(url) ? expiredToken() : undefined) });
    await uploadDirect(f.api, f.blob, reservation, { concurrency: 4 });
    expect(f.renewals).toHaveLength(1);
    expect([...f.renewals[0]!].sort((a, b) => a - b)).toEqual(range(1, 10));
    // Only the parts already under way when the first refusal came were sent to an expired URL.
    expect(f.puts.filter(fromCreate).length).toBeLessThanOrEqual(4);
    expect(f.completed()).toEqual(range(1, 10).map((n) => ({ partNumber: n, etag: `"g1/part-${n}"` })));
  });

  it('renews a single PUT refused as expired without part numbers', async () => {
    const f = fake({ size: 5, refuse: (url) => (fromCreate(url) ? expiredToken() : undefined) });
    await uploadDirect(f.api, f.blob, reservation, {});
    expect(f.renewals).toEqual([undefined]);
    expect(f.puts).toEqual(['https://s3.test/g0/object', 'https://s3.test/g1/object']);
    expect(f.completed()).toBeUndefined();
  });

  it('renews before a part starts when its URL expires within a minute, in the same single call', async () => {
    const f = fake({ size: 10, partSize: 1, createExpiresAt: inSeconds(30) });
    await uploadDirect(f.api, f.blob, reservation, { concurrency: 4 });
    expect(f.renewals).toHaveLength(1);
    expect(f.puts.filter(fromCreate)).toEqual([]);
    expect(f.puts).toHaveLength(10);
  });

  it('resuming 2,500 missing parts asks for at most 1,000 URLs per call, each part once, as its turn comes', async () => {
    const f = fake({ size: 2500, partSize: 1 });
    await uploadDirect(f.api, f.blob, reservation, { fileId: FILE_ID, concurrency: 4 });
    expect(f.renewals.map((asked) => asked!.length)).toEqual([1000, 1000, 500]);
    expect(f.renewals.flatMap((asked) => asked!).sort((a, b) => a - b)).toEqual(range(1, 2500));
    expect(f.puts).toHaveLength(2500);
    expect(f.completed()).toHaveLength(2500);
  });

  it('a multipart create answer capped at 1,000 URLs: the later parts get theirs in one renewal', async () => {
    const f = fake({ size: 1500, partSize: 1 });
    await uploadDirect(f.api, f.blob, reservation, { concurrency: 4 });
    expect(f.renewals.map((asked) => [asked![0], asked!.length])).toEqual([[1001, 500]]);
    expect(f.puts).toHaveLength(1500);
  });
});
