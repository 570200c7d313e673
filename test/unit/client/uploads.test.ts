/** The raw upload routes: an abort whose first answer was lost is done, though the retry answers 404. */
import { describe, expect, it } from 'vitest';
import { Uploads } from '../../../client/src/resources/uploads.ts';
import { Transport } from '../../../client/src/transport.ts';

const notFound = () =>
  new Response(JSON.stringify({ error: { code: 'not_found', message: 'Upload not found', details: [], requestId: 'req-1' } }), {
    status: 404,
    headers: { 'content-type': 'application/json' },
  });

function uploadsAnswering(...answers: (() => Response | Error)[]) {
  const sent: string[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    sent.push(`${init.method} ${new URL(url).pathname}`);
    const answer = answers[sent.length - 1]!();
    if (answer instanceof Error) throw answer;
    return answer;
  }) as unknown as typeof globalThis.fetch;
  return { uploads: new Uploads(new Transport({ baseUrl: 'https://api.example', fetch })), sent };
}

describe('uploads.abort', () => {
  it('resolves when the retry after a lost connection answers 404 (the first DELETE did it)', async () => {
    const { uploads, sent } = uploadsAnswering(() => new TypeError('fetch failed', { cause: new Error('ECONNRESET') }), notFound);
    await uploads.abort('0193a5c2-0000-7000-8000-000000000000');
    expect(sent).toEqual(Array(2).fill('DELETE /v1/uploads/0193a5c2-0000-7000-8000-000000000000'));
  });

  it('is a 404 when the first answer says so (abort twice)', async () => {
    const { uploads } = uploadsAnswering(notFound);
    await expect(uploads.abort('0193a5c2-0000-7000-8000-000000000000')).rejects.toMatchObject({ status: 404, code: 'not_found', requestId: 'req-1' });
  });
});
