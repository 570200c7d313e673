/**
 * What a valid file request is: its statuses, limits and the bodies that create and change one; the shapes
 * the file-request use cases take and give.
 */
import * as z from 'zod/mini';
import { CATEGORIES, Category, EntityRef, UserId } from '../schemas.ts';
import type { FileRequestRecord } from './record.ts';

export const FILE_REQUEST_STATUSES = ['open', 'fulfilled', 'cancelled'] as const;
export const FileRequestStatus = z.enum(FILE_REQUEST_STATUSES);
export type FileRequestStatus = z.infer<typeof FileRequestStatus>;

/**
 * A file request may hold this many files. The request is one DynamoDB item (≤ 400 KB) that lists its file
 * ids; a thousand ids is about 40 KB, far from the limit, and far more than one request for photos needs.
 */
export const MAX_FILES_PER_FILE_REQUEST = 1000;

/** Control characters other than tab, line feed and carriage return; DEL; C1; Unicode line separators. */
const MESSAGE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;

export const FileRequestMessage = z
  .string({ message: 'must be a string' })
  .check(
    z.refine((v) => v.trim().length > 0, 'must not be empty'),
    // Characters as people count them (code points), not UTF-16 units.
    z.refine((v) => Array.from(v).length <= 2000, 'must be at most 2000 characters'),
    z.refine((v) => !MESSAGE_CONTROL.test(v), 'must not contain control characters other than newlines and tabs'),
  )
  .register(z.globalRegistry, {
    description: 'What is asked of the patient, 1–2000 characters; newlines and tabs allowed. Never sent in events.',
    // Documented for the OpenAPI document; JSON Schema counts code points, as the refinement above does.
    minLength: 1,
    maxLength: 2000,
  });

/** Any ISO 8601 date-time with a zone; answered in UTC with milliseconds. */
export const DueAt = z.pipe(
  z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-22T15:04:05.123Z' }),
  z.transform((v: string) => new Date(v).toISOString()),
);

export const CreateFileRequestBody = z
  .strictObject({
    // A copy of UserId, so that this description stays on this field.
    ownerId: UserId.clone().register(z.globalRegistry, { description: 'The patient asked for files.' }),
    message: FileRequestMessage,
    categories: z
      ._default(
        z
          .array(Category)
          .check(
            z.maxLength(CATEGORIES.length, `must hold at most ${CATEGORIES.length} categories`),
            z.refine((v) => new Set(v).size === v.length, 'must not repeat a category'),
          ),
        [],
      )
      .register(z.globalRegistry, { description: 'Which file categories are asked for; empty means any.' }),
    entity: z.optional(z.nullable(EntityRef)),
    dueAt: z.optional(z.nullable(DueAt)).register(z.globalRegistry, {
      description: 'When the files are wanted; must be in the future. Informational: uploads are not refused after it.',
    }),
  })
  .register(z.globalRegistry, { id: 'CreateFileRequestBody' });
export type CreateFileRequestBody = z.infer<typeof CreateFileRequestBody>;

export const PatchFileRequestBody = z
  .strictObject({
    status: z.optional(FileRequestStatus).register(z.globalRegistry, {
      description: 'Staff may set any status; the patient asked may only mark an open request `fulfilled`.',
    }),
    message: z.optional(FileRequestMessage).register(z.globalRegistry, { description: 'Staff only.' }),
  })
  .register(z.globalRegistry, { id: 'PatchFileRequestBody' });
export type PatchFileRequestBody = z.infer<typeof PatchFileRequestBody>;

/**
 * What `listFileRequests` is asked, already validated. Its query string is an HTTP format
 * (shared/http/formats/file-requests.ts `ListFileRequestsQuery`), which must produce this shape.
 */
export interface ListFileRequestsRequest {
  ownerId?: string;
  status?: FileRequestStatus;
  /** 1–100. */
  limit: number;
  /** Opaque, from the previous page of the same query. */
  cursor?: string;
}

/** A file request as answered: the stored record without its version. The HTTP FileRequest resource describes it. */
export type FileRequestView = Omit<FileRequestRecord, 'version'>;
