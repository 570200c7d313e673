/**
 * The wire format of `POST /v1/uploads`' answer (also `…/renew`'s) and of `GET /v1/uploads/{fileId}`, for the
 * OpenAPI document. Each schema describes the domain's
 * shape (`satisfies`), so the two cannot drift and the domain never imports HTTP.
 */
import * as z from 'zod/mini';
import type { MultipartTarget, SinglePutTarget, UploadTarget as Target } from '../../domain/large-uploads/upload-target.ts';
import type { UploadProgress as Progress } from '../../domain/large-uploads/resumption.ts';
import { Uuid } from '../../domain/schemas.ts';

export const SinglePutUpload = z
  .object({
    fileId: Uuid,
    method: z.literal('PUT'),
    url: z.string().register(z.globalRegistry, { description: 'Presigned storage URL; holds no file name.' }),
    headers: z
      .record(z.string(), z.string())
      .register(z.globalRegistry, { description: 'Send exactly these headers with the PUT (they are signed).' }),
    expiresAt: z.string(),
  })
  .register(z.globalRegistry, { id: 'SinglePutUpload' }) satisfies z.ZodMiniType<SinglePutTarget>;

export const MultipartUpload = z
  .object({
    fileId: Uuid,
    partSize: z.int().register(z.globalRegistry, { description: 'Every part but the last has exactly this many bytes.' }),
    parts: z.array(z.object({ partNumber: z.int(), url: z.string() })),
    expiresAt: z.string(),
  })
  .register(z.globalRegistry, { id: 'MultipartUpload' }) satisfies z.ZodMiniType<MultipartTarget>;

export const UploadTarget = z
  .union([SinglePutUpload, MultipartUpload])
  .register(z.globalRegistry, { id: 'UploadTarget' }) satisfies z.ZodMiniType<Target>;

export const UploadProgress = z
  .object({
    fileId: Uuid,
    status: z.enum(['pending', 'completed']),
    size: z.int(),
    partSize: z.optional(z.int()),
    parts: z
      .array(z.object({ partNumber: z.int(), size: z.int(), etag: z.string() }))
      .register(z.globalRegistry, { description: 'What storage holds: the uploaded parts (part 1 once a single PUT arrived).' }),
    expiresAt: z
      .nullable(z.string())
      .register(z.globalRegistry, { description: 'When the pending upload expires; null once completed.' }),
  })
  .register(z.globalRegistry, { id: 'UploadProgress' }) satisfies z.ZodMiniType<Progress>;
