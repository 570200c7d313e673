/**
 * The OpenAPI 3.1 document: one operation per entry of the route table (shared/routes.ts), described by the
 * table's summary and description and by operations.ts, with the zod schemas the handlers validate with as
 * its components. Built ahead of time (`npm run openapi` writes openapi.json), so the function that serves it
 * loads no zod.
 */
import { routeDocs } from './route-docs.ts';
import { routes, type RouteDef, type RouteName } from '../../routes.ts';
import { components, jsonContent, ref } from './components.ts';
import { SchemaConverter, type Json } from './json-schema.ts';
import { ERROR_TEXT, operations, type ErrorStatus, type OperationDoc } from './operations.ts';
import { webhookEvent } from './webhook-event.ts';

export function openApiDocument(): Json {
  const schemas = new SchemaConverter();
  const named = Object.fromEntries(Object.entries(components).map(([name, c]) => [name, schemas.toJson(c.schema, c.io)]));
  const paths = pathsOf(schemas);
  return {
    openapi: '3.1.0',
    info: {
      title: 'MedFiles API',
      version: '1.0.0',
      description: 'Private file storage for medical records: upload, list, share, signed links, thumbnails.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    // Relative: the API is wherever this document was fetched from (each deployment has its own URL).
    servers: [{ url: '/', description: 'The origin that serves this document' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      // Every schema a path or component refers to by name is a component.
      schemas: { ...schemas.named, ...named },
    },
    security: [{ bearer: [] }],
    paths,
    webhooks: { event: webhookEvent },
  };
}

/** The document as committed: stable, diffable text. */
export const serializeDocument = (document: Json): string => `${JSON.stringify(document, null, 2)}\n`;

function pathsOf(schemas: SchemaConverter): Record<string, Json> {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    paths[route.path] ??= pathParameters(route.path);
    paths[route.path]![route.method.toLowerCase()] = operationOf(route, operations[route.name], schemas);
  }
  return paths;
}

/** Every `{parameter}` of a path template is a UUID (a malformed one is 422 on every route). */
function pathParameters(path: string): Json {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  if (names.length === 0) return {};
  return { parameters: names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } })) };
}

function operationOf(route: RouteDef & { readonly name: RouteName }, doc: OperationDoc, schemas: SchemaConverter): Json {
  const security = route.public ? [] : doc.security;
  const parameters = [...(doc.parameters ?? []), ...(doc.query ? schemas.queryParameters(doc.query) : [])];
  const body = doc.requestBody;
  return {
    operationId: doc.operationId ?? route.name.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase()),
    summary: routeDocs[route.name].summary,
    description: routeDocs[route.name].description,
    ...(security ? { security } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: body.required,
            content: Object.fromEntries(
              Object.entries(body.content).map(([type, s]) => [type, { schema: typeof s === 'string' ? ref(s) : s(schemas) }]),
            ),
          },
        }
      : {}),
    responses: {
      // A route that writes the audit trail is 503 when it cannot (shared/routes.ts says which do).
      ...errorResponses(route.grants.includes('audit:write') ? [...doc.errors, 503] : doc.errors),
      ...Object.fromEntries(
        Object.entries(doc.responses).map(([status, r]) => [status, { description: r.description, ...(r.body ? { content: jsonContent(r.body) } : {}) }]),
      ),
    },
  };
}

const errorResponses = (statuses: readonly ErrorStatus[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: ERROR_TEXT[s], content: jsonContent('Error') }]));
