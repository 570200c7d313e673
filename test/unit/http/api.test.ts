/**
 * The HTTP shell of every route (shared/http/api.ts): the contract's error body (API.md, "Errors") with 5xx
 * messages hidden, the headers every response carries, JSON and byte responses, and authentication through
 * the Authenticator port before a protected route's code runs.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AppError,
  ForbiddenError,
  InternalError,
  PayloadTooLargeError,
  UnauthorizedError,
  ValidationError,
} from '../../../shared/domain/errors.ts';
import type { Caller } from '../../../shared/domain/file.ts';
import type { Authenticator } from '../../../shared/domain/ports.ts';
import { apiHandler, errorResult, json, publicHandler, type ApiResult, type RequestScope } from '../../../shared/http/api.ts';
import { apiEvent } from '../../support/api-events.ts';
import { lambdaContext } from '../../support/integration-events.ts';

const context = lambdaContext('medfiles-unit');
const caller: Caller = { sub: 'provider-7', tenantId: 't1', role: 'provider', via: 'token' };

/** Accepts exactly `Bearer good`; records every header it was asked about. */
class FakeAuthenticator implements Authenticator {
  readonly seen: (string | undefined)[] = [];
  async authenticate(authorization: string | undefined): Promise<Caller> {
    this.seen.push(authorization);
    if (authorization !== 'Bearer good') throw new UnauthorizedError('Invalid or expired token');
    return caller;
  }
}

const bodyOf = (result: { body?: string }) => JSON.parse(result.body!) as { error: Record<string, unknown> };

describe('errorResult', () => {
  it('renders an exposed error as the contract body, with its details and the request id', () => {
    const error = new ValidationError([{ path: 'files.0.mimeType', message: 'is not allowed' }]);
    const result = errorResult(error, 'req-42');
    expect(result.statusCode).toBe(422);
    expect(bodyOf(result)).toEqual({
      error: {
        code: 'validation_error',
        message: 'The request breaks one or more rules',
        details: [{ path: 'files.0.mimeType', message: 'is not allowed' }],
        requestId: 'req-42',
      },
    });
    expect(result.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-request-id': 'req-42',
    });
  });

  it('lists at most 100 details, then says how many more (issue 8: 100,000 bad values answered 23 MB)', () => {
    const issues = Array.from({ length: 100_000 }, (_, i) => ({ path: `events.${i}`, message: 'is not an event type' }));
    const result = errorResult(new ValidationError(issues), 'req-big');
    const details = bodyOf(result).error.details as { path: string; message: string }[];
    expect(details).toHaveLength(101);
    expect(details[99]).toEqual({ path: 'events.99', message: 'is not an event type' });
    expect(details[100]).toEqual({ path: '', message: 'and 99900 more issues not listed' });
    expect(result.body!.length).toBeLessThan(10_000);
  });

  it('gives details as an empty list when there are none, and passes error headers in lower case', () => {
    const result = errorResult(new UnauthorizedError(), 'req-1');
    expect(result.statusCode).toBe(401);
    expect(bodyOf(result).error).toMatchObject({ code: 'unauthorized', details: [], requestId: 'req-1' });
    expect(result.headers?.['www-authenticate']).toBe('Bearer');
    expect(errorResult(new PayloadTooLargeError('too large'), 'r').statusCode).toBe(413);
    expect(errorResult(new ForbiddenError(), 'r').statusCode).toBe(403);
  });

  it.each([
    ['an InternalError', new InternalError('index write failed for patient Jane Doe', { cause: new Error('ddb') })],
    ['a plain Error', new Error('SELECT * FROM patients WHERE name = "Jane Doe"')],
    ['an unexposed AppError', new AppError(503, 'unavailable', 'audit table t1 down for Jane Doe')],
    ['a thrown string', 'Jane Doe'],
    ['undefined', undefined],
  ])('renders %s as a bare 500 that shows neither message nor name', (_what, error) => {
    const result = errorResult(error, 'req-500');
    expect(result.statusCode).toBe(500);
    expect(bodyOf(result)).toEqual({ error: { code: 'internal', message: 'Internal error', details: [], requestId: 'req-500' } });
    expect(result.body).not.toMatch(/Jane|patients|InternalError|AppError|ddb/);
  });

  it('renders an AppError that chose to be exposed with its own status and code', () => {
    const error = new AppError(503, 'unavailable', 'Try again', { expose: true, headers: { 'Retry-After': '1' } });
    const result = errorResult(error, 'r');
    expect(result.statusCode).toBe(503);
    expect(bodyOf(result).error).toMatchObject({ code: 'unavailable', message: 'Try again' });
    expect(result.headers?.['retry-after']).toBe('1');
  });
});

describe('apiHandler', () => {
  const echo = vi.fn(async (scope: RequestScope): Promise<ApiResult> => json(200, { sub: scope.caller.sub, requestId: scope.requestId }));
  afterEach(() => echo.mockClear());

  it('authenticates the Authorization header, then runs the route with the caller and request id', async () => {
    const auth = new FakeAuthenticator();
    const handler = apiHandler(auth, echo);
    const result = await handler(apiEvent({ headers: { authorization: 'Bearer good' }, requestId: 'req-7' }), context);
    expect(auth.seen).toEqual(['Bearer good']);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body!)).toEqual({ sub: 'provider-7', requestId: 'req-7' });
    expect(echo.mock.calls[0]![0].caller).toEqual({ ...caller, origin: { requestId: 'req-7', sourceIp: '203.0.113.10', userAgent: 'unit' } });
  });

  it.each([
    ['no Authorization header', {}],
    ['a bad token', { authorization: 'Bearer bad' }],
  ])('is 401 with %s, and the route never runs', async (_what, headers) => {
    const handler = apiHandler(new FakeAuthenticator(), echo);
    const result = await handler(apiEvent({ headers, requestId: 'req-401' }), context);
    expect(result.statusCode).toBe(401);
    expect(bodyOf(result).error).toEqual({ code: 'unauthorized', message: 'Invalid or expired token', details: [], requestId: 'req-401' });
    expect(result.headers).toMatchObject({ 'www-authenticate': 'Bearer', 'x-request-id': 'req-401', 'x-content-type-options': 'nosniff' });
    expect(echo).not.toHaveBeenCalled();
  });

  it('renders what the route throws: domain errors as themselves, anything else as a bare 500', async () => {
    const auth = new FakeAuthenticator();
    const event = apiEvent({ headers: { authorization: 'Bearer good' } });
    const refused = apiHandler(auth, async () => {
      throw new ForbiddenError();
    });
    expect((await refused(event, context)).statusCode).toBe(403);
    const broken = apiHandler(auth, async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'Jane Doe')");
    });
    const result = await broken(event, context);
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('Jane');
  });

  it("uses 'unknown' as the request id when the event has no request context", async () => {
    const event = { ...apiEvent({ headers: { authorization: 'Bearer good' } }), requestContext: undefined } as unknown as ReturnType<typeof apiEvent>;
    const result = await apiHandler(new FakeAuthenticator(), echo)(event, context);
    expect(result.headers?.['x-request-id']).toBe('unknown');
  });
});

describe('publicHandler', () => {
  it('runs without authentication and renders JSON with the common headers', async () => {
    const handler = publicHandler(async ({ requestId }) => json(200, { status: 'ok', requestId }));
    const result = await handler(apiEvent({ requestId: 'req-h' }), context);
    expect(result).toEqual({
      statusCode: 200,
      headers: {
        'x-content-type-options': 'nosniff',
        'x-request-id': 'req-h',
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
      },
      body: JSON.stringify({ status: 'ok', requestId: 'req-h' }),
    });
  });

  it("keeps a route's own content type and cache control, whatever their case", async () => {
    const handler = publicHandler(async () =>
      json(200, { openapi: '3.1.0' }, { 'Content-Type': 'application/vnd.oai.openapi+json', 'Cache-Control': 'public, max-age=300' }),
    );
    const result = await handler(apiEvent(), context);
    expect(result.headers).toMatchObject({ 'content-type': 'application/vnd.oai.openapi+json', 'cache-control': 'public, max-age=300' });
    expect(Object.keys(result.headers!).every((name) => name === name.toLowerCase())).toBe(true);
  });

  it('sends bytes as base64, exactly the view it was given, with no JSON headers added', async () => {
    const backing = Buffer.from('xxHELLO-BYTESyy');
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 2, 11);
    const handler = publicHandler(async () => ({ status: 200, bytes: view, headers: { 'Content-Type': 'image/png' } }));
    const result = await handler(apiEvent(), context);
    expect(result.isBase64Encoded).toBe(true);
    expect(Buffer.from(result.body!, 'base64').toString()).toBe('HELLO-BYTES');
    expect(result.headers).toEqual({ 'x-content-type-options': 'nosniff', 'x-request-id': 'req-unit-1', 'content-type': 'image/png' });
  });

  it('sends no body and no content type for a result without one (204, redirects)', async () => {
    const handler = publicHandler(async () => ({ status: 302, headers: { Location: 'https://storage.example/x' } }));
    const result = await handler(apiEvent(), context);
    expect(result).toEqual({
      statusCode: 302,
      headers: { 'x-content-type-options': 'nosniff', 'x-request-id': 'req-unit-1', location: 'https://storage.example/x' },
    });
  });

  it('renders errors thrown by the route', async () => {
    const handler = publicHandler(async () => {
      throw new UnauthorizedError('Bad or expired link signature');
    });
    const result = await handler(apiEvent({ requestId: 'req-link' }), context);
    expect(result.statusCode).toBe(401);
    expect(bodyOf(result).error).toMatchObject({ code: 'unauthorized', message: 'Bad or expired link signature', requestId: 'req-link' });
  });
});
