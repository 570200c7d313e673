/** `@medfiles/client`: a typed client for the MedFiles API, for Node >= 20 and browsers. */
export { MedFilesClient } from './client.ts';
export { MedFilesError, type ErrorDetail } from './errors.ts';
export type { ContentOptions, PutOptions } from './resources/files.ts';
export type { ClientOptions } from './transport.ts';
export type * from './types.ts';
export type { UploadOptions } from './upload/options.ts';
export type { UploadSource } from './upload/source.ts';
export { INLINE_MAX_BYTES } from './upload/upload.ts';
export { verifyWebhook, WebhookVerificationError, type VerifyOptions } from './verify-webhook.ts';
