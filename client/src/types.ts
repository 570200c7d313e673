/**
 * The API's types, taken from the OpenAPI document (src/generated/openapi.ts is made from
 * shared/http/openapi/openapi.json at build time), so a contract change that breaks the client breaks its type
 * check. Operations are looked up by method and path, not by operationId, so renaming an operation changes nothing.
 */
import type { components, paths } from './generated/openapi.ts';

export type { components, paths };

type Schemas = components['schemas'];

/** The File resource. (Not `File`, so the DOM's `File` stays usable next to it.) */
export type MedFile = Schemas['File'];
/** A File with its signed `downloadUrl` (GET /v1/files/{id}). */
export type FileWithLink = Schemas['FileWithLink'];
export type FilePage = Schemas['FileList'];
export type FileRequest = Schemas['FileRequest'];
export type Webhook = Schemas['Webhook'];
/** A new webhook: the only time its `secret` is shown. */
export type WebhookCreated = Schemas['WebhookCreated'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
/** The body of a webhook delivery. */
export type WebhookEvent = Schemas['WebhookEvent'];
export type AuditEvent = Schemas['AuditEvent'];
export type AccessLogEntry = Schemas['AccessLogEntry'];
export type ErrorBody = Schemas['Error'];
export type SinglePutUpload = Schemas['SinglePutUpload'];
export type MultipartUpload = Schemas['MultipartUpload'];
/** Where to send the bytes of a direct upload: one PUT, or one URL per part. */
export type UploadTarget = Schemas['UploadTarget'];

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Responses<P extends keyof paths, M extends Method> = Operation<P, M> extends { responses: infer R } ? R : never;

/** The JSON body a route answers with `status`. */
export type ResponseOf<P extends keyof paths, M extends Method, S extends keyof Responses<P, M>> = Responses<P, M>[S] extends {
  content: { 'application/json': infer B };
}
  ? B
  : never;

/** The JSON request body of a route. */
export type BodyOf<P extends keyof paths, M extends Method> = Operation<P, M> extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/**
 * A route's query parameters, with numbers accepted for the numeric ones (`limit`, `expiryInterval`) and
 * booleans where the document says `"true" | "false"` (a query string has no other types).
 */
export type QueryOf<P extends keyof paths, M extends Method> = Operation<P, M> extends { parameters: { query?: infer Q } }
  ? { [K in keyof NonNullable<Q>]: Loose<K, NonNullable<Q>[K]> }
  : never;

type Loose<K, T> = K extends 'limit' | 'expiryInterval' ? T | number : [T] extends ['true' | 'false' | undefined] ? T | boolean : T;

export type FileQuery = QueryOf<'/v1/files', 'get'>;
export type FilePatch = BodyOf<'/v1/files/{id}', 'patch'>;
/** Metadata of a raw-body upload (PUT /v1/files/{id}/content); `name` is required. */
export type PutFileQuery = QueryOf<'/v1/files/{id}/content', 'put'>;
export type PageQuery = QueryOf<'/v1/files/{id}/access-log', 'get'>;
export type AuditQuery = QueryOf<'/v1/audit-events', 'get'>;
export type FileRequestQuery = QueryOf<'/v1/file-requests', 'get'>;
export type FileRequestPage = ResponseOf<'/v1/file-requests', 'get', 200>;
export type NewFileRequest = BodyOf<'/v1/file-requests', 'post'>;
export type FileRequestPatch = BodyOf<'/v1/file-requests/{id}', 'patch'>;
export type NewWebhook = BodyOf<'/v1/webhooks', 'post'>;
export type WebhookPatch = BodyOf<'/v1/webhooks/{id}', 'patch'>;
export type DeliveryPage = ResponseOf<'/v1/webhooks/{id}/deliveries', 'get', 200>;
export type AuditPage = ResponseOf<'/v1/audit-events', 'get', 200>;
export type AccessLogPage = ResponseOf<'/v1/files/{id}/access-log', 'get', 200>;
export type NewUpload = BodyOf<'/v1/uploads', 'post'>;
export type UploadPart = NonNullable<BodyOf<'/v1/uploads/{fileId}/complete', 'post'>['parts']>[number];
export type Health = ResponseOf<'/v1/health', 'get', 200>;
/** What storage holds for a pending direct upload (GET /v1/uploads/{fileId}). */
export type UploadStatus = ResponseOf<'/v1/uploads/{fileId}', 'get', 200>;
