/**
 * What the OpenAPI document says about each route beyond the route table's summary and description: its
 * parameters, body and answers. Keyed by route name and complete (`satisfies Record<RouteName, …>`), so a
 * route added to shared/routes.ts does not compile until it is documented here.
 */
import type * as z from 'zod/mini';
import type { RouteName } from '../../routes.ts';
import { ContentQuery, DeleteQuery, ListQuery } from '../formats/files.ts';
import { ListFileRequestsQuery } from '../formats/file-requests.ts';
import { UploadFields } from '../formats/inline-uploads.ts';
import { DeliveriesQuery } from '../formats/webhooks.ts';
import { AccessLogQuery, AuditEventsQuery } from '../formats/audit.ts';
import type { ComponentName } from './components.ts';
import type { Json, SchemaConverter } from './json-schema.ts';

/** The text of each error status, the same on every route; the body is always the error body. */
export const ERROR_TEXT = {
  400: 'Unparseable body',
  401: 'Missing, invalid or expired credentials',
  403: 'Visible, but the role may not do this',
  404: 'Not found, not visible, expired or archived',
  409: 'The id holds different bytes',
  412: 'If-Match differs',
  413: 'Over the inline limit (use POST /v1/uploads)',
  415: 'Type not allowed or not what was declared',
  422: 'Breaks a rule; details list every field',
  503: 'The audit record could not be written; nothing changed; retry',
} as const;
export type ErrorStatus = keyof typeof ERROR_TEXT;

/** A body's schema: a component, or one made for this operation alone. */
export type BodySchema = ComponentName | ((schemas: SchemaConverter) => Json);

export interface OperationDoc {
  /** Defaults to the route name in camelCase. */
  readonly operationId?: string;
  /** Who may call, when it is not "a bearer token" (public routes need nothing, from the route table). */
  readonly security?: readonly Json[];
  /** Parameters no schema describes (headers, a required `name`); listed before those of `query`. */
  readonly parameters?: readonly Json[];
  /** The query string's schema: one parameter per property. */
  readonly query?: z.ZodMiniType;
  readonly requestBody?: { readonly required: boolean; readonly content: Readonly<Record<string, BodySchema>> };
  /** Answers by status, including an error whose text is particular to this route. */
  readonly responses: Readonly<Record<number, { readonly description: string; readonly body?: ComponentName }>>;
  /** Error statuses with their usual text (ERROR_TEXT); 503 is added to every route with `audit:write`. */
  readonly errors: readonly ErrorStatus[];
}

const jsonBody = (name: ComponentName, required = true) => ({ required, content: { 'application/json': name } });
const bytes = { type: 'string', contentMediaType: 'application/octet-stream' };

export const operations = {
  health: { responses: { 200: { description: 'Up', body: 'Health' } }, errors: [] },
  openapi: { responses: { 200: { description: 'This document' } }, errors: [] },
  'create-files': {
    requestBody: {
      required: true,
      content: {
        'application/json': 'UploadJsonBody',
        'multipart/form-data': (schemas) => ({
          type: 'object',
          properties: { file: { type: 'array', items: bytes }, ...(schemas.toJson(UploadFields, 'input').properties as Json) },
          required: ['file'],
        }),
      },
    },
    responses: { 201: { description: 'Created, in request order', body: 'FilesCreated' } },
    errors: [400, 401, 403, 413, 415, 422],
  },
  'put-file-content': {
    parameters: [{ name: 'name', in: 'query', required: true, schema: { type: 'string' } }],
    query: UploadFields,
    requestBody: { required: true, content: { '*/*': () => bytes } },
    responses: {
      201: { description: 'Created', body: 'File' },
      200: { description: 'The id already holds these bytes', body: 'File' },
    },
    errors: [401, 403, 409, 413, 415, 422],
  },
  'create-upload': {
    requestBody: jsonBody('CreateUploadBody'),
    responses: { 201: { description: 'Where to send the bytes', body: 'UploadTarget' } },
    errors: [400, 401, 403, 413, 415, 422],
  },
  'complete-upload': {
    requestBody: jsonBody('CompleteUploadBody', false),
    responses: { 200: { description: 'The new File', body: 'File' } },
    errors: [400, 401, 404, 415, 422],
  },
  'get-upload': {
    responses: { 200: { description: 'What storage holds', body: 'UploadProgress' } },
    errors: [401, 404, 422],
  },
  'renew-upload': {
    requestBody: jsonBody('RenewUploadBody', false),
    responses: {
      200: { description: 'Fresh URLs', body: 'UploadTarget' },
      409: { description: 'The upload is completed', body: 'Error' },
    },
    errors: [400, 401, 404, 415, 422],
  },
  'delete-upload': {
    responses: {
      204: { description: 'Aborted' },
      409: { description: 'The upload is completed: delete the File instead', body: 'Error' },
    },
    errors: [401, 404, 422],
  },
  'list-files': {
    query: ListQuery,
    responses: { 200: { description: 'A page', body: 'FileList' } },
    errors: [401, 422],
  },
  'get-file': {
    responses: { 200: { description: 'The file with a signed 15-minute downloadUrl', body: 'FileWithLink' } },
    errors: [401, 404, 422],
  },
  'get-file-content': {
    // A valid signed link (`expires` + `signature`) stands in for the token.
    security: [{ bearer: [] }, {}],
    query: ContentQuery,
    responses: {
      200: { description: 'The bytes with Content-Disposition, ETag, Cache-Control: private, nosniff' },
      302: { description: 'Large content: a ≤ 60 s storage URL that supports Range' },
    },
    errors: [401, 404, 422],
  },
  'update-file': {
    parameters: [{ name: 'If-Match', in: 'header', required: false, schema: { type: 'string' } }],
    requestBody: jsonBody('PatchFileBody'),
    responses: { 200: { description: 'Updated; new ETag', body: 'File' } },
    errors: [400, 401, 403, 404, 412, 415, 422],
  },
  'delete-file': {
    // The route archives; only `permanent=true` deletes.
    operationId: 'archiveFile',
    query: DeleteQuery,
    responses: { 204: { description: 'Archived (or permanently deleted by an admin)' } },
    errors: [401, 403, 404, 422],
  },
  'restore-file': {
    responses: { 200: { description: 'Active again', body: 'File' } },
    errors: [401, 403, 404, 422],
  },
  'create-file-request': {
    requestBody: jsonBody('CreateFileRequestBody'),
    responses: { 201: { description: 'Created, status `open`', body: 'FileRequest' } },
    errors: [400, 401, 403, 415, 422],
  },
  'list-file-requests': {
    query: ListFileRequestsQuery,
    responses: { 200: { description: 'A page', body: 'FileRequestList' } },
    errors: [401, 422],
  },
  'get-file-request': {
    responses: { 200: { description: 'The file request', body: 'FileRequest' } },
    errors: [401, 404, 422],
  },
  'update-file-request': {
    requestBody: jsonBody('PatchFileRequestBody'),
    responses: {
      200: { description: 'Updated', body: 'FileRequest' },
      409: { description: 'Changed concurrently too often; try again', body: 'Error' },
    },
    errors: [400, 401, 403, 404, 415, 422],
  },
  'create-webhook': {
    requestBody: jsonBody('CreateWebhookBody'),
    responses: { 201: { description: 'Registered, active', body: 'WebhookCreated' } },
    errors: [400, 401, 403, 415, 422],
  },
  'list-webhooks': {
    responses: { 200: { description: 'All of them', body: 'WebhookList' } },
    errors: [401, 403],
  },
  'get-webhook': {
    responses: { 200: { description: 'The webhook (no secret)', body: 'Webhook' } },
    errors: [401, 403, 404, 422],
  },
  'update-webhook': {
    requestBody: jsonBody('PatchWebhookBody'),
    responses: { 200: { description: 'Updated', body: 'Webhook' } },
    errors: [400, 401, 403, 404, 415, 422],
  },
  'delete-webhook': {
    responses: { 204: { description: 'Deleted' } },
    errors: [401, 403, 404, 422],
  },
  'list-webhook-deliveries': {
    query: DeliveriesQuery,
    responses: { 200: { description: 'A page', body: 'WebhookDeliveryList' } },
    errors: [401, 403, 404, 422],
  },
  'retry-webhook-delivery': {
    responses: { 202: { description: 'Scheduled', body: 'WebhookDelivery' } },
    errors: [401, 403, 404, 422],
  },
  'list-audit-events': {
    query: AuditEventsQuery,
    responses: { 200: { description: 'A page', body: 'AuditEventList' } },
    errors: [401, 403, 422],
  },
  'get-file-access-log': {
    query: AccessLogQuery,
    responses: { 200: { description: 'A page', body: 'AccessLog' } },
    errors: [401, 404, 422],
  },
} satisfies Record<RouteName, OperationDoc>;
