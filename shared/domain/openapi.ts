/** The OpenAPI 3.1 document, generated from the zod schemas the handlers validate with. */
import * as z from 'zod';
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
import {
  CreateFileRequestBody,
  FileRequestList,
  FileRequestResource,
  ListFileRequestsQuery,
  PatchFileRequestBody,
} from './file-requests/schemas.ts';
import { CreateWebhookBody, PatchWebhookBody } from './webhooks/bodies.ts';
import {
  DeliveriesQuery,
  DeliveryList,
  DeliveryResource,
  WebhookCreated,
  WebhookList,
  WebhookPayload,
  WebhookResource,
} from '../http/formats/webhooks.ts';
import { CompleteUploadBody, CreateUploadBody } from './large-uploads/bodies.ts';
import { MultipartUpload, SinglePutUpload, UploadTarget } from '../http/formats/uploads.ts';

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
        FileRequest: schema(FileRequestResource),
        FileRequestList: schema(FileRequestList),
        CreateFileRequestBody: schema(CreateFileRequestBody, 'input'),
        PatchFileRequestBody: schema(PatchFileRequestBody, 'input'),
        Webhook: schema(WebhookResource),
        WebhookCreated: schema(WebhookCreated),
        WebhookList: schema(WebhookList),
        CreateWebhookBody: schema(CreateWebhookBody, 'input'),
        PatchWebhookBody: schema(PatchWebhookBody, 'input'),
        WebhookDelivery: schema(DeliveryResource),
        WebhookDeliveryList: schema(DeliveryList),
        WebhookEvent: schema(WebhookPayload),
        CreateUploadBody: schema(CreateUploadBody, 'input'),
        CompleteUploadBody: schema(CompleteUploadBody, 'input'),
        SinglePutUpload: schema(SinglePutUpload),
        MultipartUpload: schema(MultipartUpload),
        UploadTarget: schema(UploadTarget),
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
      '/v1/uploads': {
        post: {
          operationId: 'createUpload',
          summary: 'Start a large upload, straight to storage',
          description:
            'Reserves a file id (404 everywhere until completed) and returns a presigned PUT URL with the headers ' +
            'to send (they are signed; up to 100 MiB), or a part size and one presigned URL per part (above 100 MiB). ' +
            'Checks in order: `size` over the maximum (413), declared type not allowed (415), then every other rule (422). ' +
            'URLs hold no file name. An upload not completed within 24 hours is removed.',
          requestBody: { required: true, content: jsonContent('CreateUploadBody') },
          responses: { 201: { description: 'Where to send the bytes', content: jsonContent('UploadTarget') }, ...errors(400, 401, 403, 413, 415, 422) },
        },
      },
      '/v1/uploads/{fileId}/complete': {
        parameters: [{ ...idParam, name: 'fileId' }],
        post: {
          operationId: 'completeUpload',
          summary: 'Verify an uploaded object and create the File',
          description:
            'Verifies the object: it exists and has the declared size and SHA-256 (422 otherwise), and its first bytes ' +
            'are the declared type (415 otherwise); on any failure the object is deleted and no file exists. Multipart ' +
            'uploads list every part with its ETag. Completing again returns the same File. Only the uploader or staff.',
          requestBody: { required: false, content: jsonContent('CompleteUploadBody') },
          responses: { 200: { description: 'The new File', content: jsonContent('File') }, ...errors(400, 401, 404, 415, 422) },
        },
      },
      '/v1/file-requests': {
        post: {
          operationId: 'createFileRequest',
          summary: 'Ask a patient for files (provider, admin, service)',
          requestBody: { required: true, content: jsonContent('CreateFileRequestBody') },
          responses: { 201: { description: 'Created, status `open`', content: jsonContent('FileRequest') }, ...errors(400, 401, 403, 415, 422) },
        },
        get: {
          operationId: 'listFileRequests',
          summary: 'List file requests, newest first (cursor pages); patients see only theirs',
          parameters: queryParameters(ListFileRequestsQuery),
          responses: { 200: { description: 'A page', content: jsonContent('FileRequestList') }, ...errors(401, 422) },
        },
      },
      '/v1/file-requests/{id}': {
        parameters: [idParam],
        get: {
          operationId: 'getFileRequest',
          responses: { 200: { description: 'The file request', content: jsonContent('FileRequest') }, ...errors(401, 404, 422) },
        },
        patch: {
          operationId: 'updateFileRequest',
          summary: 'Staff change message or status; the patient asked may mark an open request fulfilled',
          requestBody: { required: true, content: jsonContent('PatchFileRequestBody') },
          responses: {
            200: { description: 'Updated', content: jsonContent('FileRequest') },
            ...errors(400, 401, 403, 404, 415, 422),
            409: { description: 'Changed concurrently too often; try again', content: jsonContent('Error') },
          },
        },
      },
      ...webhookPaths(),
    },
    webhooks: {
      event: {
        post: {
          operationId: 'webhookEvent',
          summary: 'What MedFiles POSTs to a registered webhook URL',
          description:
            'Signed per the Standard Webhooks specification (verify with the `standardwebhooks` package and the ' +
            "webhook's secret). 2xx is success; anything else, a redirect (never followed), a timeout or a refused " +
            'connection is retried after each of `MEDFILES_WEBHOOK_RETRY_DELAYS` (default 1 min, 5 min, 30 min, 2 h, ' +
            '6 h, 18 h: 7 attempts), then the delivery is `failed` and dead-lettered. Every attempt of one event ' +
            'carries the same `webhook-id`; deduplicate on it.',
          security: [],
          parameters: [
            { name: 'webhook-id', in: 'header', required: true, schema: { type: 'string' }, description: 'The event id, identical on every attempt' },
            { name: 'webhook-timestamp', in: 'header', required: true, schema: { type: 'string' }, description: 'Seconds since the epoch, at the attempt' },
            {
              name: 'webhook-signature', in: 'header', required: true, schema: { type: 'string' },
              description: '`v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">`',
            },
          ],
          requestBody: { required: true, content: jsonContent('WebhookEvent') },
          responses: { 200: { description: 'Any 2xx acknowledges the delivery' } },
        },
      },
    },
  };
}

const deliveryIdParam = { name: 'deliveryId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const adminsOnly = 'Admin and service only (403 for other roles).';

function webhookPaths(): Json {
  return {
    '/v1/webhooks': {
      post: {
        operationId: 'createWebhook',
        summary: 'Register a webhook; the answer holds its signing secret, shown only here',
        description: `${adminsOnly} Deployed stacks refuse URLs whose host is, or resolves to, a loopback, private, link-local or other non-public address.`,
        requestBody: { required: true, content: jsonContent('CreateWebhookBody') },
        responses: { 201: { description: 'Registered, active', content: jsonContent('WebhookCreated') }, ...errors(400, 401, 403, 415, 422) },
      },
      get: {
        operationId: 'listWebhooks',
        summary: "The tenant's webhooks, oldest first (at most 50; no secrets)",
        description: adminsOnly,
        responses: { 200: { description: 'All of them', content: jsonContent('WebhookList') }, ...errors(401, 403) },
      },
    },
    '/v1/webhooks/{id}': {
      parameters: [idParam],
      get: {
        operationId: 'getWebhook',
        description: adminsOnly,
        responses: { 200: { description: 'The webhook (no secret)', content: jsonContent('Webhook') }, ...errors(401, 403, 404, 422) },
      },
      patch: {
        operationId: 'updateWebhook',
        summary: 'Change url, events, active or description',
        description: `${adminsOnly} An inactive webhook receives nothing; its pending deliveries fail.`,
        requestBody: { required: true, content: jsonContent('PatchWebhookBody') },
        responses: { 200: { description: 'Updated', content: jsonContent('Webhook') }, ...errors(400, 401, 403, 404, 415, 422) },
      },
      delete: {
        operationId: 'deleteWebhook',
        description: `${adminsOnly} Nothing more is sent to it, pending retries included.`,
        responses: { 204: { description: 'Deleted' }, ...errors(401, 403, 404, 422) },
      },
    },
    '/v1/webhooks/{id}/deliveries': {
      parameters: [idParam],
      get: {
        operationId: 'listWebhookDeliveries',
        summary: "A webhook's deliveries, newest first (cursor pages)",
        description: adminsOnly,
        parameters: queryParameters(DeliveriesQuery),
        responses: { 200: { description: 'A page', content: jsonContent('WebhookDeliveryList') }, ...errors(401, 403, 404, 422) },
      },
    },
    '/v1/webhooks/{id}/deliveries/{deliveryId}/retry': {
      parameters: [idParam, deliveryIdParam],
      post: {
        operationId: 'retryWebhookDelivery',
        summary: 'Send a delivery again: pending, due now, with a fresh attempt budget',
        description: `${adminsOnly} Any status may be retried; the webhook must be active (else 422). The retry poller sends it within a minute.`,
        responses: { 202: { description: 'Scheduled', content: jsonContent('WebhookDelivery') }, ...errors(401, 403, 404, 422) },
      },
    },
  };
}
