/**
 * The wire format of `POST /v1/uploads`' answer, for the OpenAPI document. Each schema describes the domain's
 * shape (`satisfies`), so the two cannot drift and the domain never imports HTTP.
 */
import * as z from 'zod';
import type { MultipartTarget, SinglePutTarget, UploadTarget as Target } from '../../domain/large-uploads/upload-target.ts';
import { Uuid } from '../../domain/schemas.ts';

export const SinglePutUpload = z
  .object({
    fileId: Uuid,
    method: z.literal('PUT'),
    url: z.string().meta({ description: 'Presigned storage URL; holds no file name.' }),
    headers: z.record(z.string(), z.string()).meta({ description: 'Send exactly these headers with the PUT (they are signed).' }),
    expiresAt: z.string(),
  })
  .meta({ id: 'SinglePutUpload' }) satisfies z.ZodType<SinglePutTarget>;

export const MultipartUpload = z
  .object({
    fileId: Uuid,
    partSize: z.number().int().meta({ description: 'Every part but the last has exactly this many bytes.' }),
    parts: z.array(z.object({ partNumber: z.number().int(), url: z.string() })),
    expiresAt: z.string(),
  })
  .meta({ id: 'MultipartUpload' }) satisfies z.ZodType<MultipartTarget>;

export const UploadTarget = z.union([SinglePutUpload, MultipartUpload]).meta({ id: 'UploadTarget' }) satisfies z.ZodType<Target>;
