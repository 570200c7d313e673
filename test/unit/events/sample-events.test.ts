/**
 * The sample API Gateway (HTTP API, payload 2.0) events in test/events/ are what the deployed functions
 * receive. They must stay true: each file is named after a route of the route table (`<route>[-<variant>].json`)
 * and is that route's event, its path agrees with its path parameters and query, and its body is a valid
 * request for that route.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALLOWED_TYPES } from '../../../shared/config.ts';
import { detectContentType } from '../../../shared/domain/content-type.ts';
import { ListQuery } from '../../../shared/http/formats/files.ts';
import { UploadFields, UploadJsonBody } from '../../../shared/http/formats/inline-uploads.ts';
import { decodeBase64 } from '../../../shared/domain/upload.ts';
import { isUuid } from '../../../shared/domain/validation.ts';
import { routes } from '../../../shared/routes.ts';

const eventsDir = new URL('../../events/', import.meta.url);

/** Every sample event, by file name. */
const events: Record<string, APIGatewayProxyEventV2> = Object.fromEntries(
  readdirSync(eventsDir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => [file, JSON.parse(readFileSync(new URL(file, eventsDir), 'utf8')) as APIGatewayProxyEventV2]),
);

/** The route a file is named after: `get-file.json`, or `create-files-json.json` (a variant of create-files). */
const routeOf = (file: string) =>
  routes
    .filter((r) => file === `${r.name}.json` || file.startsWith(`${r.name}-`))
    .sort((a, b) => b.name.length - a.name.length)[0];

/** A sample the tests below read by name (fails if it is gone). */
const sample = (file: string) => {
  expect(events[file], `test/events/${file}`).toBeDefined();
  return events[file]!;
};

const allowed = new Set(DEFAULT_ALLOWED_TYPES.split(','));

describe.each(Object.entries(events))('%s', (file, event) => {
  const route = routeOf(file);

  it('is a payload 2.0 event of the route it is named after', () => {
    expect(route, `no route of the route table is named like ${file}`).toBeDefined();
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe(`${route!.method} ${route!.path}`);
    expect(event.requestContext.routeKey).toBe(event.routeKey);
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
    const isPublic = route?.public === true;
    expect(event.headers.authorization === undefined).toBe(isPublic);
    if (!isPublic) expect(event.headers.authorization).toBe('Bearer <token>');
  });
});

describe('bodies and queries are valid requests', () => {
  it('list-files: a valid list query', () => {
    expect(ListQuery.safeParse(sample('list-files.json').queryStringParameters).success).toBe(true);
  });

  it('create-files-json: a valid JSON upload whose file is what it declares', async () => {
    const event = sample('create-files-json.json');
    expect(event.headers['content-type']).toBe('application/json');
    const body = UploadJsonBody.parse(JSON.parse(event.body!));
    for (const [i, file] of body.files.entries()) {
      const bytes = decodeBase64(file.contents, `files.${i}.contents`);
      expect(bytes.length).toBeGreaterThan(0);
      expect((await detectContentType(bytes, file.mimeType, 'txt', allowed, `files.${i}`)).mimeType).toBe(file.mimeType);
    }
  });

  it('put-file-content-binary: a base64 PNG body under a client-chosen id, with a name and valid fields', async () => {
    const event = sample('put-file-content-binary.json');
    expect(event.isBase64Encoded).toBe(true);
    const bytes = decodeBase64(event.body!, 'body');
    const detected = await detectContentType(bytes, event.headers['content-type'], 'png', allowed, 'body');
    expect(detected.mimeType).toBe('image/png');
    const { name, ...fields } = event.queryStringParameters ?? {};
    expect(name).toBe('rash.png');
    expect(UploadFields.safeParse(fields).success).toBe(true);
  });
});
