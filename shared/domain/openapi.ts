/** The OpenAPI 3.1 document, generated from the zod schemas the handlers validate with. */
import { z } from 'zod';
import {
  ErrorBody,
  FileList,
  FileResource,
  FilesCreated,
  FileWithLink,
  Health,
  ListQuery,
  PatchFileBody,
  UploadFields,
  UploadJsonBody,
} from './schemas.ts';

type Json = Record<string, unknown>;

/**
 * Named schemas (zod `.meta({ id })`) that the schemas converted so far refer to; they become
 * `components.schemas` entries. zod emits them as local `$defs`, which do not resolve inside an OpenAPI
 * document, so they are hoisted and the references rewritten.
 */
let named: Record<string, Json> = {};

const schema = (s: z.ZodType, io: 'input' | 'output' = 'output'): Json => {
  const raw = z.toJSONSchema(s, { io, unrepresentable: 'any', reused: 'inline' }) as Json;
  const rewritten = JSON.parse(JSON.stringify(raw).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json;
  const { $schema: _schema, $defs, $ref, ...rest } = rewritten as Json & { $defs?: Record<string, Json>; $ref?: string };
  for (const [name, def] of Object.entries($defs ?? {})) named[name] ??= def;
  // A named schema comes back as a bare reference to its own definition: return the definition itself.
  const self = typeof $ref === 'string' ? $ref.replace('#/components/schemas/', '') : undefined;
  return self && $defs?.[self] ? { ...$defs[self], ...rest } : { ...rest, ...($ref ? { $ref } : {}) };
};
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (name: string) => ({ 'application/json': { schema: ref(name) } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: ERROR_TEXT[s], content: jsonContent('Error') }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'Unparseable body', 401: 'Missing, invalid or expired credentials', 403: 'Visible, but the role may not do this',
  404: 'Not found, not visible, expired or archived', 409: 'The id holds different bytes', 412: 'If-Match differs',
  413: 'Over the inline limit (use POST /v1/uploads)', 415: 'Type not allowed or not what was declared',
  422: 'Breaks a rule; details list every field',
};
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };

/** Query parameters of an object schema, one OpenAPI parameter each. */
function queryParameters(s: z.ZodType): Json[] {
  const js = schema(s, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, p]) => ({
    name, in: 'query', required: js.required?.includes(name) ?? false, schema: p,
  }));
}

export function openApiDocument(): Json {
  named = {};
  const document = buildDocument() as Json & { components: { schemas: Record<string, Json> } };
  // Every schema a path or component refers to by name is a component.
  document.components.schemas = { ...named, ...document.components.schemas };
  return document;
}

function buildDocument(): Json {
  const uploadQuery = [
    { name: 'name', in: 'query', required: true, schema: { type: 'string' } },
    ...queryParameters(UploadFields),
  ];
  return {
    openapi: '3.1.0',
    info: {
      title: 'MedFiles API',
      version: '1.0.0',
      description: 'Private file storage for medical records: upload, list, share, signed links, thumbnails.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        File: schema(FileResource),
        FileWithLink: schema(FileWithLink),
        FileList: schema(FileList),
        FilesCreated: schema(FilesCreated),
        UploadJsonBody: schema(UploadJsonBody, 'input'),
        PatchFileBody: schema(PatchFileBody, 'input'),
        Error: schema(ErrorBody),
        Health: schema(Health),
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/health': {
        get: { operationId: 'health', security: [], responses: { 200: { description: 'Up', content: jsonContent('Health') } } },
      },
      '/v1/openapi.json': {
        get: { operationId: 'openapi', security: [], responses: { 200: { description: 'This document' } } },
      },
      '/v1/files': {
        post: {
          operationId: 'createFiles',
          summary: 'Upload 1–20 files inline (all or nothing)',
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: ref('UploadJsonBody') },
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  properties: {
                    file: { type: 'array', items: { type: 'string', contentMediaType: 'application/octet-stream' } },
                    ...Object.fromEntries(queryParameters(UploadFields).map((p) => [p.name as string, p.schema])),
                  },
                  required: ['file'],
                },
              },
            },
          },
          responses: { 201: { description: 'Created, in request order', content: jsonContent('FilesCreated') }, ...errors(400, 401, 403, 413, 415, 422) },
        },
        get: {
          operationId: 'listFiles',
          summary: 'List files (cursor pages)',
          parameters: queryParameters(ListQuery),
          responses: { 200: { description: 'A page', content: jsonContent('FileList') }, ...errors(401, 422) },
        },
      },
      '/v1/files/{id}': {
        parameters: [idParam],
        get: {
          operationId: 'getFile',
          responses: { 200: { description: 'The file with a signed 15-minute downloadUrl', content: jsonContent('FileWithLink') }, ...errors(401, 404, 422) },
        },
        patch: {
          operationId: 'updateFile',
          parameters: [{ name: 'If-Match', in: 'header', required: false, schema: { type: 'string' } }],
          requestBody: { required: true, content: jsonContent('PatchFileBody') },
          responses: { 200: { description: 'Updated; new ETag', content: jsonContent('File') }, ...errors(400, 401, 403, 404, 412, 415, 422) },
        },
        delete: {
          operationId: 'archiveFile',
          parameters: [{ name: 'permanent', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] } }],
          responses: { 204: { description: 'Archived (or permanently deleted by an admin)' }, ...errors(401, 403, 404, 422) },
        },
      },
      '/v1/files/{id}/content': {
        parameters: [idParam],
        get: {
          operationId: 'getFileContent',
          summary: 'The bytes (bearer token or signed link)',
          security: [{ bearer: [] }, {}],
          parameters: ['expires', 'signature', 'download', 'imageSize', 'format'].map((name) => ({
            name, in: 'query', required: false, schema: { type: 'string' },
          })),
          responses: {
            200: { description: 'The bytes with Content-Disposition, ETag, Cache-Control: private, nosniff' },
            302: { description: 'Large content: a ≤ 60 s storage URL that supports Range' },
            ...errors(401, 404, 422),
          },
        },
        put: {
          operationId: 'putFileContent',
          summary: 'Upload the raw body under a client-chosen UUID (idempotent)',
          parameters: uploadQuery,
          requestBody: { required: true, content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } },
          responses: {
            201: { description: 'Created', content: jsonContent('File') },
            200: { description: 'The id already holds these bytes', content: jsonContent('File') },
            ...errors(401, 403, 409, 413, 415, 422),
          },
        },
      },
      '/v1/files/{id}/restore': {
        parameters: [idParam],
        post: { operationId: 'restoreFile', responses: { 200: { description: 'Active again', content: jsonContent('File') }, ...errors(401, 403, 404, 422) } },
      },
    },
  };
}
