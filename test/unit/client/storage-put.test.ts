/** Sending one part to storage with a fake fetch: retries, a fresh URL after a 403, and the ETag. */
import { describe, expect, it } from 'vitest';
import { putPart, type PartSender } from '../../../client/src/upload/storage-put.ts';

const part = { partNumber: 2, start: 3, end: 7 };
const blob = new Blob(['0123456789']);

function sender(answers: (Response | Error)[], renewed: string[] = []): PartSender & { puts: { url: string; body: string }[] } {
  const puts: { url: string; body: string }[] = [];
  return {
    puts,
    blob,
    retries: 2,
    signal: new AbortController().signal,
    fetch: (async (url: string, init: RequestInit) => {
      puts.push({ url, body: await (init.body as Blob).text() });
      const answer = answers[puts.length - 1]!;
      if (answer instanceof Error) throw answer;
      return answer;
    }) as unknown as typeof fetch,
    renew: async (partNumber) => {
      renewed.push(`renewed ${partNumber}`);
      return { url: `https://s3/fresh-${partNumber}`, headers: {} };
    },
  };
}

const ok = (etag = '"e2"') => new Response(null, { status: 200, headers: { etag } });
const s3Error = (status: number, code: string) => new Response(`<Error><Code>${code}</Code><Message>nope</Message></Error>`, { status });

describe('putPart', () => {
  it("sends exactly the part's bytes and answers storage's ETag", async () => {
    const s = sender([ok()]);
    expect(await putPart(s, part, { url: 'https://s3/2', headers: {} })).toBe('"e2"');
    expect(s.puts).toEqual([{ url: 'https://s3/2', body: '3456' }]);
  });

  it('retries network errors and 5xx with backoff', async () => {
    const s = sender([new TypeError('fetch failed'), s3Error(503, 'SlowDown'), ok()]);
    expect(await putPart(s, part, { url: 'https://s3/2', headers: {} })).toBe('"e2"');
    expect(s.puts).toHaveLength(3);
  });

  it('renews the URL after a 403 (expired) and sends again; a fresh URL refused too is final', async () => {
    const renewed: string[] = [];
    const s = sender([s3Error(403, 'AccessDenied'), ok()], renewed);
    expect(await putPart(s, part, { url: 'https://s3/expired', headers: {} })).toBe('"e2"');
    expect(renewed).toEqual(['renewed 2']);
    expect(s.puts.map((p) => p.url)).toEqual(['https://s3/expired', 'https://s3/fresh-2']);

    const denied = sender([s3Error(403, 'AccessDenied'), s3Error(403, 'AccessDenied')]);
    await expect(putPart(denied, part, { url: 'https://s3/2', headers: {} })).rejects.toMatchObject({
      status: 403,
      code: 'storage_error',
      message: 'Storage refused part 2: AccessDenied: nope',
    });
  });

  it('asks for a URL first when it has none, and fails at once on other 4xx', async () => {
    const renewed: string[] = [];
    const s = sender([s3Error(400, 'BadDigest')], renewed);
    await expect(putPart(s, part, undefined)).rejects.toMatchObject({ status: 400, message: 'Storage refused part 2: BadDigest: nope' });
    expect(renewed).toEqual(['renewed 2']);
    expect(s.puts).toHaveLength(1);
  });

  it('says so when storage hides the ETag (bucket CORS without ExposeHeaders: ETag)', async () => {
    await expect(putPart(sender([new Response(null, { status: 200 })]), part, { url: 'https://s3/2', headers: {} })).rejects.toThrow(/must expose ETag/);
  });
});
