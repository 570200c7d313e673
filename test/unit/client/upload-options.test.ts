/** `upload()` refuses numeric options that would silently do the wrong thing, before any request. */
import { describe, expect, it } from 'vitest';
import { MedFilesClient } from '../../../client/src/client.ts';
import type { UploadOptions } from '../../../client/src/upload/options.ts';

const client = () => {
  const requests: string[] = [];
  const fetch = (async (url: string) => {
    requests.push(url);
    throw new Error('no request expected');
  }) as unknown as typeof globalThis.fetch;
  return { client: new MedFilesClient({ baseUrl: 'https://api.example', fetch }), requests };
};

describe('upload() options', () => {
  it.each<[UploadOptions, RegExp]>([
    [{ concurrency: Number.NaN }, /options\.concurrency must be a whole number from 1 to 32 \(got NaN\)/],
    [{ concurrency: 0 }, /concurrency/],
    [{ concurrency: -2 }, /concurrency/],
    [{ concurrency: 33 }, /concurrency/],
    [{ concurrency: 2.5 }, /concurrency/],
    [{ retries: -1 }, /options\.retries must be a whole number from 0 up/],
    [{ retries: Number.NaN }, /retries/],
    [{ retries: Number.POSITIVE_INFINITY }, /retries/],
    [{ inlineMaxBytes: -1 }, /options\.inlineMaxBytes must be a whole number of bytes from 0 up/],
    [{ inlineMaxBytes: Number.NaN }, /inlineMaxBytes/],
  ])('refuses %o with a TypeError, sending nothing', async (options, message) => {
    const { client: c, requests } = client();
    const error = await c.upload(new Uint8Array(5 * 1024 * 1024), { name: 'scan.pdf', ...options }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(message);
    expect(requests).toEqual([]);
  });
});
