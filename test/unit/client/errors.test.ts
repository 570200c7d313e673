/** Refused answers become MedFilesError with the contract's fields, whatever the body looks like. */
import { describe, expect, it } from 'vitest';
import { errorFromResponse, MedFilesError, networkError } from '../../../client/src/errors.ts';

describe('errorFromResponse', () => {
  it("takes status, code, message, details and requestId from the contract's error body", async () => {
    const body = { error: { code: 'validation_error', message: 'Invalid', details: [{ path: 'limit', message: 'at most 100' }], requestId: 'req-1' } };
    const error = await errorFromResponse(new Response(JSON.stringify(body), { status: 422, headers: { 'x-request-id': 'other' } }));
    expect(error).toBeInstanceOf(MedFilesError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'MedFilesError', status: 422, code: 'validation_error', message: 'Invalid', requestId: 'req-1' });
    expect(error.details).toEqual([{ path: 'limit', message: 'at most 100' }]);
  });

  it("derives the code from the status for a body that is not the contract's, and takes X-Request-Id", async () => {
    const error = await errorFromResponse(new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'x-request-id': 'gw-1' } }));
    expect(error).toMatchObject({ status: 502, code: 'http_502', message: 'HTTP 502 Bad Gateway', requestId: 'gw-1', details: [] });
    expect((await errorFromResponse(new Response('{"message":"Not Found"}', { status: 404 }))).code).toBe('not_found');
    expect((await errorFromResponse(new Response('', { status: 503 }))).requestId).toBeUndefined();
  });
});

describe('networkError', () => {
  it('is status 0, network_error, naming the request and the underlying cause', () => {
    const cause = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    const error = networkError('GET /v1/files', cause);
    expect(error).toMatchObject({ status: 0, code: 'network_error', message: 'GET /v1/files failed: connect ECONNREFUSED 127.0.0.1:1' });
    expect(error.cause).toBe(cause);
  });
});
