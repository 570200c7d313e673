/**
 * The inline upload on the wire (API.md, `POST /v1/files` and `PUT /v1/files/{id}/content`): the JSON body
 * with base64 contents, and the text fields of a multipart body, which are also the query parameters of a raw
 * PUT. shared/http/uploads.ts reads them into the domain's new files and upload options.
 */
import * as z from 'zod';
import {
  Category,
  Description,
  ExpiryInterval,
  FileName,
  MAX_FILES_PER_REQUEST,
  RecordType,
  UploadMetadata,
  UserId,
  Uuid,
} from '../../domain/schemas.ts';

export const UploadJsonFile = z
  .object({
    name: FileName,
    contents: z.string().meta({ description: 'Base64 of the bytes.' }),
    mimeType: z.string().max(255).optional(),
    description: Description.optional(),
    category: Category.optional(),
    recordType: RecordType.nullable().optional(),
  })
  .strict();

export const UploadJsonBody = UploadMetadata.extend({
  files: z.array(UploadJsonFile).min(1, 'must hold at least one file').max(MAX_FILES_PER_REQUEST, `must hold at most ${MAX_FILES_PER_REQUEST} files`),
})
  .strict()
  .meta({ id: 'UploadJsonBody' });

/** Text fields of multipart uploads and query parameters of `PUT /v1/files/{id}/content`: all strings. */
export const UploadFields = z
  .object({
    ownerId: UserId.optional(),
    entityType: z.string().optional(),
    entityId: z.string().optional(),
    fileRequestId: Uuid.optional(),
    expiryInterval: z
      .string()
      .regex(/^\d{1,12}$/, 'must be a whole number of seconds')
      .transform(Number)
      .pipe(ExpiryInterval)
      .optional(),
    category: Category.optional(),
    recordType: RecordType.optional(),
    description: z.string().max(2000).optional(),
  })
  .strict();
