/**
 * Requests with a fake fetch: what is retried (never a side effect twice), the token, and the errors.
 * Backoff waits are real but short (jittered from 200 ms), so each retry test takes well under a second.
 */
import { describe, expect, it } from 'vitest';
import { MedFilesError } from '../../../client/src/errors.ts';
import { Transport } from '../../../client/src/transport.ts';

type Answer = Response | Error;

/** A fetch that answers from `answers` in order and records every request. */
function fakeFetch(...answers: Answer[]) {
  const requests: { url: string; method: string; headers: Record<string, string>; body: unknown }[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: String(input), method: init?.method ?? 'GET', headers: { ...(init?.headers as Record<string, string>) }, body: init?.body });
    const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!;
    if (answer instanceof Error) throw answer;
    return answer.clone();
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

const json = (status: number, body: unknown = {}, headers: Record<string, string> = {}) =>
  new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const offline = () => new TypeError('fetch failed', { cause: new Error('ECONNRESET') });

describe('Transport', () => {
  it('builds the URL from the base URL (trailing slash or not), the path and the defined query values', async () => {
    const { fetch, requests } = fakeFetch(json(200, { ok: 1 }));
    const transport = new Transport({ baseUrl: 'https://api.example/stage/', fetch });
    expect(await transport.json({ method: 'GET', path: '/v1/files', query: { limit: 5, includeShared: true, cursor: undefined, state: null } })).toEqual({ ok: 1 });
    expect(requests[0]!.url).toBe('https://api.example/stage/v1/files?limit=5&includeShared=true');
  });

  it('asks a token function before every request and sends no token to anonymous routes', async () => {
    const { fetch, requests } = fakeFetch(json(200));
    let n = 0;
    const transport = new Transport({ baseUrl: 'https://api.example', fetch, token: async () => `t${++n}` });
    await transport.json({ method: 'GET', path: '/v1/files' });
    await transport.json({ method: 'POST', path: '/v1/files', json: { a: 1 } });
    await transport.json({ method: 'GET', path: '/v1/health', anonymous: true });
    expect(requests.map((r) => r.headers.authorization)).toEqual(['Bearer t1', 'Bearer t2', undefined]);
    expect(requests[1]!.headers['content-type']).toBe('application/json');
    expect(requests[1]!.body).toBe('{"a":1}');
  });

  it('retries a GET after a lost connection and a 502, then answers', async () => {
    const { fetch, requests } = fakeFetch(offline(), json(502), json(200, { done: true }));
    const transport = new Transport({ baseUrl: 'https://api.example', fetch });
    expect(await transport.json({ method: 'GET', path: '/v1/files' })).toEqual({ done: true });
    expect(requests).toHaveLength(3);
  });

  it('sends a POST once after a lost connection or a 502 (it may have been carried out), but again after 429 or 503', async () => {
    const lost = fakeFetch(offline());
    const error = await new Transport({ baseUrl: 'https://api.example', fetch: lost.fetch }).send({ method: 'POST', path: '/v1/files' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'MedFilesError', status: 0, code: 'network_error' });
    expect(lost.requests).toHaveLength(1);

    const gateway = fakeFetch(json(502, { error: { code: 'bad_gateway', message: 'x', details: [], requestId: 'r' } }));
    await expect(new Transport({ baseUrl: 'https://api.example', fetch: gateway.fetch }).send({ method: 'POST', path: '/v1/files' })).rejects.toMatchObject({ status: 502 });
    expect(gateway.requests).toHaveLength(1);

    const busy = fakeFetch(json(429, {}, { 'retry-after': '0' }), json(503), json(201, { id: 1 }));
    expect(await new Transport({ baseUrl: 'https://api.example', fetch: busy.fetch }).json({ method: 'POST', path: '/v1/files' })).toEqual({ id: 1 });
    expect(busy.requests).toHaveLength(3);
  });

  it('gives up after `retries` retries with the last answer as a MedFilesError; other errors are not retried', async () => {
    const down = fakeFetch(json(503, { error: { code: 'unavailable', message: 'try later', details: [], requestId: 'req-9' } }));
    const error = await new Transport({ baseUrl: 'https://api.example', fetch: down.fetch, retries: 1 }).send({ method: 'GET', path: '/v1/files' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MedFilesError);
    expect(error).toMatchObject({ status: 503, code: 'unavailable', message: 'try later', requestId: 'req-9' });
    expect(down.requests).toHaveLength(2);

    const missing = fakeFetch(json(404, { error: { code: 'not_found', message: 'File not found', details: [], requestId: 'req-1' } }));
    await expect(new Transport({ baseUrl: 'https://api.example', fetch: missing.fetch }).send({ method: 'GET', path: '/v1/files/x' })).rejects.toMatchObject({ code: 'not_found' });
    expect(missing.requests).toHaveLength(1);
  });

  it('takes a 404 as done for a request marked so, only when it answers a retry after a lost answer', async () => {
    const gone = () => json(404, { error: { code: 'not_found', message: 'Upload not found', details: [], requestId: 'r' } });
    const lost = fakeFetch(offline(), gone());
    await new Transport({ baseUrl: 'https://api.example', fetch: lost.fetch }).empty({ method: 'DELETE', path: '/v1/uploads/x', goneOnRetryIsDone: true });
    expect(lost.requests).toHaveLength(2);

    const gateway = fakeFetch(json(504), gone());
    await new Transport({ baseUrl: 'https://api.example', fetch: gateway.fetch }).empty({ method: 'DELETE', path: '/v1/uploads/x', goneOnRetryIsDone: true });

    // A first answer 404, or after a 503 (not carried out), or for a request not marked so, is a 404.
    for (const [answers, marked] of [[[gone()], true], [[json(503), gone()], true], [[offline(), gone()], false]] as const) {
      const { fetch } = fakeFetch(...answers);
      const sent = new Transport({ baseUrl: 'https://api.example', fetch }).empty({ method: 'DELETE', path: '/v1/uploads/x', goneOnRetryIsDone: marked });
      await expect(sent).rejects.toMatchObject({ status: 404, code: 'not_found' });
    }
  });

  it('stops with the abort reason, also while waiting to retry', async () => {
    const controller = new AbortController();
    const { fetch } = fakeFetch(json(503));
    const sent = new Transport({ baseUrl: 'https://api.example', fetch }).send({ method: 'GET', path: '/v1/files', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user stopped')), 5);
    await expect(sent).rejects.toThrow('user stopped');
  });
});
