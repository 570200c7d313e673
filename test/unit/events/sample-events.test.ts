/**
 * The sample API Gateway (HTTP API, payload 2.0) events in test/events/ are what the deployed functions
 * receive. They must stay true: each names a route of the route table, its path agrees with its path
 * parameters and query, and its body is a valid request for that route.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALLOWED_TYPES } from '../../../shared/config.ts';
import { detectContentType } from '../../../shared/domain/content-type.ts';
import { ListQuery, UploadFields, UploadJsonBody } from '../../../shared/domain/schemas.ts';
import { decodeBase64 } from '../../../shared/domain/upload.ts';
import { isUuid } from '../../../shared/domain/validation.ts';
import { routes } from '../../../shared/routes.ts';
import createFilesJson from '../../events/create-files-json.json' with { type: 'json' };
import getFile from '../../events/get-file.json' with { type: 'json' };
import health from '../../events/health.json' with { type: 'json' };
import listFiles from '../../events/list-files.json' with { type: 'json' };
import putFileContentBinary from '../../events/put-file-content-binary.json' with { type: 'json' };

const events: Record<string, APIGatewayProxyEventV2> = {
  'health.json': health as APIGatewayProxyEventV2,
  'list-files.json': listFiles as APIGatewayProxyEventV2,
  'get-file.json': getFile as APIGatewayProxyEventV2,
  'create-files-json.json': createFilesJson as APIGatewayProxyEventV2,
  'put-file-content-binary.json': putFileContentBinary as APIGatewayProxyEventV2,
};

const allowed = new Set(DEFAULT_ALLOWED_TYPES.split(','));

describe.each(Object.entries(events))('%s', (_name, event) => {
  it('is a payload 2.0 event of a route in the route table', () => {
    expect(event.version).toBe('2.0');
    expect(event.requestContext.routeKey).toBe(event.routeKey);
    const route = routes.find((r) => `${r.method} ${r.path}` === event.routeKey);
    expect(route, `route ${event.routeKey}`).toBeDefined();
    expect(event.requestContext.http.method).toBe(route!.method);
    expect(event.requestContext.http.path).toBe(event.rawPath);
  });

  it('has a path that matches its route and path parameters', () => {
    const [, template] = event.routeKey.split(' ') as [string, string];
    const expected = template.replace(/\{(\w+)\}/g, (_m, name: string) => event.pathParameters?.[name] ?? `{${name}}`);
    expect(event.rawPath).toBe(expected);
    for (const value of Object.values(event.pathParameters ?? {})) expect(isUuid(value)).toBe(true);
  });

  it('has a query string that agrees with its parsed parameters', () => {
    expect(Object.fromEntries(new URLSearchParams(event.rawQueryString))).toEqual(event.queryStringParameters ?? {});
  });

  it('uses lower-case header names (as API Gateway sends them)', () => {
    for (const name of Object.keys(event.headers)) expect(name).toBe(name.toLowerCase());
  });

  it('carries a bearer token placeholder unless the route is public', () => {
    const isPublic = event.routeKey === 'GET /v1/health' || event.routeKey === 'GET /v1/openapi.json';
    expect(event.headers.authorization === undefined).toBe(isPublic);
    if (!isPublic) expect(event.headers.authorization).toBe('Bearer <token>');
  });
});

describe('bodies and queries are valid requests', () => {
  it('list-files: a valid list query', () => {
    expect(ListQuery.safeParse(listFiles.queryStringParameters).success).toBe(true);
  });

  it('create-files-json: a valid JSON upload whose file is what it declares', async () => {
    const event = events['create-files-json.json']!;
    expect(event.headers['content-type']).toBe('application/json');
    const body = UploadJsonBody.parse(JSON.parse(event.body!));
    for (const [i, file] of body.files.entries()) {
      const bytes = decodeBase64(file.contents, `files.${i}.contents`);
      expect(bytes.length).toBeGreaterThan(0);
      expect((await detectContentType(bytes, file.mimeType, 'txt', allowed, `files.${i}`)).mimeType).toBe(file.mimeType);
    }
  });

  it('put-file-content-binary: a base64 PNG body under a client-chosen id, with a name and valid fields', async () => {
    const event = events['put-file-content-binary.json']!;
    expect(event.isBase64Encoded).toBe(true);
    const bytes = decodeBase64(event.body!, 'body');
    const detected = await detectContentType(bytes, event.headers['content-type'], 'png', allowed, 'body');
    expect(detected.mimeType).toBe('image/png');
    const { name, ...fields } = event.queryStringParameters ?? {};
    expect(name).toBe('rash.png');
    expect(UploadFields.safeParse(fields).success).toBe(true);
  });
});
