/**
 * The named schemas of the OpenAPI document (`components.schemas`): each is a zod schema a handler validates
 * with or answers in. Operations refer to them by name, so a misspelt name fails `tsc`.
 */
import type * as z from 'zod/mini';
import { CreateFileRequestBody, PatchFileRequestBody } from '../../domain/file-requests/schemas.ts';
import { CompleteUploadBody, CreateUploadBody, RenewUploadBody } from '../../domain/large-uploads/bodies.ts';
import { PatchFileBody } from '../../domain/schemas.ts';
import { CreateWebhookBody, PatchWebhookBody } from '../../domain/webhooks/bodies.ts';
import { AccessLogPage, AuditEventList } from '../formats/audit.ts';
import { ErrorBody } from '../formats/errors.ts';
import { FileRequestList, FileRequestResource } from '../formats/file-requests.ts';
import { FileList, FileResource, FilesCreated, FileWithLink } from '../formats/files.ts';
import { Health } from '../formats/health.ts';
import { UploadJsonBody } from '../formats/inline-uploads.ts';
import { MultipartUpload, SinglePutUpload, UploadProgress, UploadTarget } from '../formats/uploads.ts';
import {
  DeliveryList,
  DeliveryResource,
  WebhookCreated,
  WebhookList,
  WebhookPayload,
  WebhookResource,
} from '../formats/webhooks.ts';

interface Component {
  readonly schema: z.ZodMiniType;
  /** `input` for request bodies (what a client sends), `output` for answers. */
  readonly io: 'input' | 'output';
}

const request = (schema: z.ZodMiniType): Component => ({ schema, io: 'input' });
const answer = (schema: z.ZodMiniType): Component => ({ schema, io: 'output' });

export const components = {
  File: answer(FileResource),
  FileWithLink: answer(FileWithLink),
  FileList: answer(FileList),
  FilesCreated: answer(FilesCreated),
  UploadJsonBody: request(UploadJsonBody),
  PatchFileBody: request(PatchFileBody),
  Error: answer(ErrorBody),
  Health: answer(Health),
  FileRequest: answer(FileRequestResource),
  FileRequestList: answer(FileRequestList),
  CreateFileRequestBody: request(CreateFileRequestBody),
  PatchFileRequestBody: request(PatchFileRequestBody),
  Webhook: answer(WebhookResource),
  WebhookCreated: answer(WebhookCreated),
  WebhookList: answer(WebhookList),
  CreateWebhookBody: request(CreateWebhookBody),
  PatchWebhookBody: request(PatchWebhookBody),
  WebhookDelivery: answer(DeliveryResource),
  WebhookDeliveryList: answer(DeliveryList),
  WebhookEvent: answer(WebhookPayload),
  CreateUploadBody: request(CreateUploadBody),
  CompleteUploadBody: request(CompleteUploadBody),
  SinglePutUpload: answer(SinglePutUpload),
  MultipartUpload: answer(MultipartUpload),
  UploadTarget: answer(UploadTarget),
  RenewUploadBody: request(RenewUploadBody),
  UploadProgress: answer(UploadProgress),
  AuditEventList: answer(AuditEventList),
  AccessLog: answer(AccessLogPage),
} satisfies Record<string, Component>;

export type ComponentName = keyof typeof components;

export const ref = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });
export const jsonContent = (name: ComponentName) => ({ 'application/json': { schema: ref(name) } });
