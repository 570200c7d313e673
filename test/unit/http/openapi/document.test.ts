/**
 * The OpenAPI document that `GET /v1/openapi.json` serves: the committed file is what the generator makes
 * from the route table and the schemas today, it passes `redocly lint` with the recommended rules (which
 * include the OpenAPI 3.1 structure and unresolved `$ref`s), and it has one operation per route, no more.
 */
import { readFileSync } from 'node:fs';
import { createConfig, lintFromString, type NormalizedProblem } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { openApiDocument, serializeDocument } from '../../../../shared/http/openapi/document.ts';
import { routeDocs, type RouteDoc } from '../../../../shared/http/openapi/route-docs.ts';
import { routes, type RouteDef, type RouteName } from '../../../../shared/routes.ts';

const committedFile = new URL('../../../../shared/http/openapi/openapi.json', import.meta.url);
const committed = readFileSync(committedFile, 'utf8');
const document = JSON.parse(committed) as {
  openapi: string;
  paths: Record<string, Record<string, { operationId?: string; summary?: string; description?: string; security?: unknown[] }>>;
};

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

/** `#/paths/~1v1~1health/get/responses`: the JSON pointer of a route's answers, as redocly reports it. */
const responsesPointer = (route: RouteDef) => `#/paths/${route.path.replaceAll('~', '~0').replaceAll('/', '~1')}/${route.method.toLowerCase()}/responses`;

/**
 * Findings accepted on purpose, each with its reason; any other finding fails. A public route (health, the
 * document itself) answers 200 and nothing else, so a 4XX response there would be invented.
 */
const ACCEPTED = routes
  .filter((route) => route.public)
  .map((route) => ({ ruleId: 'operation-4xx-response', pointer: responsesPointer(route) }));

const describeProblem = (p: NormalizedProblem) =>
  `${p.severity} ${p.ruleId} at ${p.location.map((l) => l.pointer).join(', ')}: ${p.message}`;

describe('shared/http/openapi/openapi.json', () => {
  it('is what `npm run openapi` makes from the route table and schemas today', () => {
    expect(committed, 'openapi.json is stale: run `npm run openapi` and commit the result').toBe(serializeDocument(openApiDocument()));
  });

  it('passes redocly lint with the recommended rules', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: committed, absoluteRef: committedFile.href, config });
    const unexpected = problems.filter(
      (p) => !ACCEPTED.some((a) => a.ruleId === p.ruleId && p.location.some((l) => l.pointer === a.pointer)),
    );
    expect(unexpected.map(describeProblem), 'redocly lint (recommended) found problems').toEqual([]);
  });

  it('is OpenAPI 3.1', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
  });

  it('has one operation per route of the route table, and no other', () => {
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => METHODS.includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it("takes each operation's summary and description from route-docs.ts; public routes need no token", () => {
    for (const route of routes) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation?.summary, route.name).toBe(routeDocs[route.name].summary);
      expect(operation?.description, route.name).toBe(routeDocs[route.name].description);
      if (route.public) expect(operation?.security, route.name).toEqual([]);
      else expect(operation?.security, route.name).not.toEqual([]);
    }
  });
});

describe('the route docs', () => {
  it('describe every route of the table (a Record<RouteName, RouteDoc>: tsc fails for a route without one)', () => {
    // @ts-expect-error a route name without its summary and description does not compile
    const incomplete: Record<RouteName, RouteDoc> = { health: { summary: 'x', description: 'y' } };
    expect(Object.keys(incomplete)).toEqual(['health']);
    for (const route of routes) {
      expect(routeDocs[route.name].summary.trim(), route.name).not.toBe('');
      expect(routeDocs[route.name].description.trim(), route.name).not.toBe('');
    }
  });
});
