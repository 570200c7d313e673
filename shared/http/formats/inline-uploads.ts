/**
 * The inline upload on the wire (API.md, `POST /v1/files` and `PUT /v1/files/{id}/content`): the JSON body
 * with base64 contents, and the text fields of a multipart body, which are also the query parameters of a raw
 * PUT. shared/http/uploads.ts reads them into the domain's new files and upload options.
 */
import * as z from 'zod/mini';
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

export const UploadJsonFile = z.strictObject({
  name: FileName,
  contents: z.string().register(z.globalRegistry, { description: 'Base64 of the bytes.' }),
  mimeType: z.optional(z.string().check(z.maxLength(255))),
  description: z.optional(Description),
  category: z.optional(Category),
  recordType: z.optional(z.nullable(RecordType)),
});

export const UploadJsonBody = z
  .strictObject({
    ...UploadMetadata.shape,
    files: z
      .array(UploadJsonFile)
      .check(
        z.minLength(1, 'must hold at least one file'),
        z.maxLength(MAX_FILES_PER_REQUEST, `must hold at most ${MAX_FILES_PER_REQUEST} files`),
      ),
  })
  .register(z.globalRegistry, { id: 'UploadJsonBody' });

/** Text fields of multipart uploads and query parameters of `PUT /v1/files/{id}/content`: all strings. */
export const UploadFields = z.strictObject({
  ownerId: z.optional(UserId),
  entityType: z.optional(z.string()),
  entityId: z.optional(z.string()),
  fileRequestId: z.optional(Uuid),
  expiryInterval: z.optional(
    z.pipe(
      z.pipe(z.string().check(z.regex(/^\d{1,12}$/, 'must be a whole number of seconds')), z.transform(Number)),
      ExpiryInterval,
    ),
  ),
  category: z.optional(Category),
  recordType: z.optional(RecordType),
  description: z.optional(z.string().check(z.maxLength(2000))),
});
