/** Reading API Gateway (payload v2) requests (shared/http/request.ts): headers, bodies, JSON, query, path ids, origin. */
import { describe, expect, it } from 'vitest';
import { BadRequestError, UnsupportedMediaTypeError, ValidationError } from '../../../shared/domain/errors.ts';
import { header, jsonBody, mediaType, origin, pathId, queryParams, rawBody, unsupportedBody } from '../../../shared/http/request.ts';
import { apiEvent } from '../../support/api-events.ts';

const ID = '0193A5C2-7B4E-7000-8000-000000000042';

describe('header', () => {
  it('finds a header by any case of its name (API Gateway gives them in lower case)', () => {
    const event = apiEvent({ headers: { 'content-type': 'text/plain', 'if-match': '"e1"' } });
    expect(header(event, 'Content-Type')).toBe('text/plain');
    expect(header(event, 'IF-MATCH')).toBe('"e1"');
    expect(header(event, 'authorization')).toBeUndefined();
  });

  it('copes with an event without headers', () => {
    expect(header({ ...apiEvent(), headers: undefined } as unknown as ReturnType<typeof apiEvent>, 'host')).toBeUndefined();
  });
});

describe('rawBody', () => {
  it('decodes a base64 body to its exact bytes', () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    expect(rawBody(apiEvent({ body: bytes }))).toEqual(bytes);
  });

  it('reads a text body as UTF-8', () => {
    expect(rawBody(apiEvent({ body: 'Grüße' })).toString('utf8')).toBe('Grüße');
    expect(rawBody(apiEvent({ body: 'Grüße' }))).toHaveLength(7);
  });

  it('is empty without a body', () => {
    expect(rawBody(apiEvent())).toHaveLength(0);
    expect(rawBody(apiEvent({ body: '' }))).toHaveLength(0);
  });
});

describe('mediaType', () => {
  it('is the Content-Type without parameters, in lower case', () => {
    expect(mediaType(apiEvent({ headers: { 'content-type': 'Multipart/Form-Data; boundary=x' } }))).toBe('multipart/form-data');
    expect(mediaType(apiEvent({ headers: { 'content-type': ' application/json ;charset=utf-8' } }))).toBe('application/json');
    expect(mediaType(apiEvent())).toBe('');
  });
});

describe('jsonBody', () => {
  it('parses JSON, in text or base64', () => {
    expect(jsonBody(apiEvent({ body: '{"a":[1,"ü"]}' }))).toEqual({ a: [1, 'ü'] });
    expect(jsonBody(apiEvent({ body: Buffer.from('{"b":true}') }))).toEqual({ b: true });
  });

  it.each([
    ['no body', undefined, 'The request body is empty; send JSON'],
    ['a blank body', ' \n\t', 'The request body is empty; send JSON'],
    ['malformed JSON', '{"a":', 'The request body is not valid JSON'],
    ['a trailing comma', '{"a":1,}', 'The request body is not valid JSON'],
  ])('is 400 for %s', (_what, body, message) => {
    expect(() => jsonBody(apiEvent({ body }))).toThrow(BadRequestError);
    expect(() => jsonBody(apiEvent({ body }))).toThrow(message);
  });
});

describe('queryParams', () => {
  it('is a copy of the query string parameters, or empty', () => {
    const event = apiEvent({ query: { limit: '2', sort: 'size' } });
    const params = queryParams(event);
    expect(params).toEqual({ limit: '2', sort: 'size' });
    params.limit = '99';
    expect(event.queryStringParameters?.limit).toBe('2');
    expect(queryParams(apiEvent())).toEqual({});
  });
});

describe('pathId', () => {
  it('is the path id in lower case', () => {
    expect(pathId(apiEvent({ pathParameters: { id: ID } }))).toBe(ID.toLowerCase());
  });

  it.each([
    ['not a UUID', { id: 'file-42' }],
    ['a UUID with a suffix', { id: `${ID}x` }],
    ['missing', {}],
  ])('is 422 on path "id" when it is %s', (_what, pathParameters) => {
    const error = (() => {
      try {
        pathId(apiEvent({ pathParameters }));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ status: 422, details: [{ path: 'id', message: 'must be a UUID' }] });
  });
});

describe('origin', () => {
  const none = { publicUrl: undefined };

  it('is MEDFILES_PUBLIC_URL when it is set, whatever the request says', () => {
    const event = apiEvent({ headers: { host: 'evil.example', 'x-forwarded-proto': 'http' } });
    expect(origin(event, { publicUrl: 'https://files.clinic.example' })).toBe('https://files.clinic.example');
  });

  it("is API Gateway's domain name otherwise, https unless X-Forwarded-Proto says http first", () => {
    const at = (headers: Record<string, string>) => origin(apiEvent({ headers, domainName: 'api.example' }), none);
    expect(at({})).toBe('https://api.example');
    expect(at({ 'x-forwarded-proto': 'http' })).toBe('http://api.example');
    expect(at({ 'x-forwarded-proto': 'http, https' })).toBe('http://api.example');
    expect(at({ 'x-forwarded-proto': 'https, http' })).toBe('https://api.example');
    expect(at({ 'x-forwarded-proto': 'gopher' })).toBe('https://api.example');
  });

  it.each([
    ['another host', 'evil.example'],
    ['a path', 'evil.example/phish'],
    ['credentials', 'user:pw@evil.example'],
    ['a script', 'x"><script>'],
  ])('never follows a Host header holding %s (issue 8: a client must not choose where links point)', (_what, host) => {
    const event = apiEvent({ headers: { host }, domainName: 'api-id.execute-api.eu-central-1.amazonaws.com' });
    expect(origin(event, none)).toBe('https://api-id.execute-api.eu-central-1.amazonaws.com');
  });

  it('uses the API domain name without a Host header', () => {
    expect(origin(apiEvent({ domainName: 'api-id.example' }), none)).toBe('https://api-id.example');
  });
});

describe('unsupportedBody', () => {
  it('is 415 naming the expected type on Content-Type', () => {
    const error = unsupportedBody('application/json');
    expect(error).toBeInstanceOf(UnsupportedMediaTypeError);
    expect(error).toMatchObject({
      status: 415,
      code: 'unsupported_media_type',
      message: 'Send the body as application/json',
      details: [{ path: 'Content-Type', message: 'must be application/json' }],
    });
  });
});
