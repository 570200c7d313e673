/**
 * Sending one part to storage with a fake fetch: which refusals renew the URL (expired), which are tried again
 * (transient, as every AWS SDK does) and which are final, read from S3's XML error code; and the ETag.
 */
import { describe, expect, it } from 'vitest';
import type { PartTarget } from '../../../client/src/upload/part-plan.ts';
import { putPart, refusalKind, type PartSender } from '../../../client/src/upload/storage-put.ts';

const part = { partNumber: 2, start: 3, end: 7 };
const blob = new Blob(['0123456789']);
const first: PartTarget = { url: 'https://s3/2', headers: {}, expiresAt: Date.now() + 3_600_000 };

function sender(answers: (Response | Error)[]): PartSender & { puts: { url: string; body: string }[]; renewed: string[] } {
  const puts: { url: string; body: string }[] = [];
  const renewed: string[] = [];
  return {
    puts,
    renewed,
    blob,
    retries: 2,
    signal: new AbortController().signal,
    fetch: (async (url: string, init: RequestInit) => {
      puts.push({ url, body: await (init.body as Blob).text() });
      const answer = answers[puts.length - 1]!;
      if (answer instanceof Error) throw answer;
      return answer;
    }) as unknown as typeof fetch,
    urls: {
      forPart: async () => first,
      afterExpired: async (partNumber, refused) => {
        renewed.push(`renewed ${partNumber} after ${refused.url}`);
        return { url: `https://s3/fresh-${partNumber}`, headers: {}, expiresAt: Date.now() + 3_600_000 };
      },
    },
  };
}

const ok = (etag = '"e2"') => new Response(null, { status: 200, headers: { etag } });
const s3Error = (status: number, code: string, message = 'nope') => new Response(`<Error><Code>${code}</Code><Message>${message}</Message></Error>`, { status });

describe('refusalKind', () => {
  it.each([
    [403, 'AccessDenied', 'expired'],
    [403, 'SignatureDoesNotMatch', 'expired'],
    [400, 'ExpiredToken', 'expired'],
    [400, 'RequestTimeout', 'transient'],
    [503, 'SlowDown', 'transient'],
    [500, 'InternalError', 'transient'],
    [502, undefined, 'transient'],
    [429, undefined, 'transient'],
    [400, 'BadDigest', 'final'],
    [400, 'InvalidArgument', 'final'],
    [404, 'NoSuchUpload', 'final'],
  ] as const)('%i %s is %s', (status, code, kind) => {
    expect(refusalKind(status, code === undefined ? {} : { code })).toBe(kind);
  });
});

describe('putPart', () => {
  it("sends exactly the part's bytes and answers storage's ETag", async () => {
    const s = sender([ok()]);
    expect(await putPart(s, part)).toBe('"e2"');
    expect(s.puts).toEqual([{ url: 'https://s3/2', body: '3456' }]);
  });

  it('retries network errors, 5xx and 400 RequestTimeout (storage gave up on a slow socket) with backoff', async () => {
    const s = sender([new TypeError('fetch failed'), s3Error(503, 'SlowDown'), ok()]);
    expect(await putPart(s, part)).toBe('"e2"');
    expect(s.puts).toHaveLength(3);

    const slow = sender([s3Error(400, 'RequestTimeout', 'Your socket connection to the server was not read from or written to within the timeout period.'), s3Error(500, 'InternalError'), ok()]);
    expect(await putPart(slow, part)).toBe('"e2"');
    expect(slow.puts.map((p) => p.url)).toEqual(['https://s3/2', 'https://s3/2', 'https://s3/2']);
    expect(slow.renewed).toEqual([]);
  });

  it('renews the URL after 403 "Request has expired" and sends again; a fresh URL refused too is final', async () => {
    const s = sender([s3Error(403, 'AccessDenied', 'Request has expired'), ok()]);
    expect(await putPart(s, part)).toBe('"e2"');
    expect(s.renewed).toEqual(['renewed 2 after https://s3/2']);
    expect(s.puts.map((p) => p.url)).toEqual(['https://s3/2', 'https://s3/fresh-2']);

    const denied = sender([s3Error(403, 'AccessDenied'), s3Error(403, 'AccessDenied')]);
    await expect(putPart(denied, part)).rejects.toMatchObject({ status: 403, code: 'storage_error', message: 'Storage refused part 2: AccessDenied: nope' });
  });

  it('renews the URL after 400 ExpiredToken (signed with session credentials that died with the session)', async () => {
    const s = sender([s3Error(400, 'ExpiredToken', 'The provided token has expired.'), ok()]);
    expect(await putPart(s, part)).toBe('"e2"');
    expect(s.renewed).toEqual(['renewed 2 after https://s3/2']);
    expect(s.puts.map((p) => p.url)).toEqual(['https://s3/2', 'https://s3/fresh-2']);
  });

  it('fails at once on other 4xx, and after `retries` retries of transient ones', async () => {
    const s = sender([s3Error(400, 'BadDigest')]);
    await expect(putPart(s, part)).rejects.toMatchObject({ status: 400, message: 'Storage refused part 2: BadDigest: nope' });
    expect(s.puts).toHaveLength(1);

    const busy = sender([s3Error(400, 'RequestTimeout'), s3Error(400, 'RequestTimeout'), s3Error(400, 'RequestTimeout')]);
    await expect(putPart(busy, part)).rejects.toMatchObject({ status: 400, message: 'Storage refused part 2: RequestTimeout: nope' });
    expect(busy.puts).toHaveLength(3);
  });

  it('says so when storage hides the ETag (bucket CORS without ExposeHeaders: ETag)', async () => {
    await expect(putPart(sender([new Response(null, { status: 200 })]), part)).rejects.toThrow(/must expose ETag/);
  });
});
