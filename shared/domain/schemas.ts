/**
 * What valid file metadata is (names, categories, entities, expiry), the body that changes a file, and the
 * shapes the file use cases take and give. Each schema validates input, types the code and feeds the OpenAPI
 * document (shared/http/openapi/): one schema, three uses. How these travel over HTTP (query strings,
 * resources, the error body) is in shared/http/formats/.
 */
import * as z from 'zod/mini';
import type { FileRecord } from './file.ts';

/** No C0/C1 control characters, DEL, or Unicode line/paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export const ROLES = ['patient', 'provider', 'admin', 'service'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const CATEGORIES = [
  'user_document', 'intake_attachment', 'user_consent', 'user_avatar', 'visit_note', 'lab_result', 'imaging',
  'prescription', 'other',
] as const;
export const Category = z
  .enum(CATEGORIES)
  .register(z.globalRegistry, { description: 'What the file is for. Default `user_document`.' });
export type Category = z.infer<typeof Category>;

export const RECORD_TYPES = ['medical', 'dental', 'hospital', 'pharmacy', 'other'] as const;
export const RecordType = z.enum(RECORD_TYPES);
export type RecordType = z.infer<typeof RecordType>;

export const STATES = ['active', 'archived'] as const;
export type FileState = (typeof STATES)[number];

/** Ten years of seconds (with leap days). */
export const MAX_EXPIRY_SECONDS = 315_576_000;
export const MAX_FILES_PER_REQUEST = 20;

export const Uuid = z.uuid({ message: 'must be a UUID' });

/**
 * Text must be well-formed Unicode: a lone UTF-16 surrogate cannot be encoded (a Content-Disposition header, UTF-8
 * in storage and DynamoDB), so it is refused here, as a 422, before anything is computed from it or written.
 */
const wellFormed = z.refine<string>((v) => v.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)');
export const UserId = z
  .string()
  .check(z.minLength(1), z.maxLength(128), z.refine((v) => !CONTROL.test(v), 'must not contain control characters'), wellFormed);
export const EntityRef = z
  .strictObject({
    type: z.string().check(z.regex(/^[a-z_]{1,32}$/, 'must be 1-32 characters a-z or _')),
    id: z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[^\p{C}]+$/u, 'must be 1-128 printable characters')),
  })
  .register(z.globalRegistry, { description: 'What the file belongs to, e.g. `{ "type": "visit", "id": "v-42" }`.' });
export type EntityRef = z.infer<typeof EntityRef>;

export const FileName = z
  .string()
  .check(
    z.minLength(1, 'must not be empty'),
    z.refine((v) => Array.from(v).length <= 255, 'must be at most 255 characters'),
    z.refine((v) => !CONTROL.test(v), 'must not contain control characters'),
    z.refine((v) => !/[/\\]/.test(v), 'must not contain path separators'),
    z.refine((v) => v.trim() !== '.' && v.trim() !== '..' && v.trim() !== '', 'is not a file name'),
    wellFormed,
  );
export const Description = z.nullable(z.string().check(z.maxLength(2000), wellFormed));
export const ExpiryInterval = z
  .int({ message: 'must be a whole number of seconds' })
  .check(z.minimum(1, 'must be at least 1 second'), z.maximum(MAX_EXPIRY_SECONDS, 'must be at most 10 years'))
  .register(z.globalRegistry, {
    description: 'Seconds until the file expires (1 s to 10 years). `expiresAt = createdAt + expiryInterval`.',
  });

/** Metadata a request may give for all its files; per-file fields win. */
export const UploadMetadata = z.object({
  ownerId: z
    .optional(UserId)
    .register(z.globalRegistry, { description: 'Owner (patient) of the files; providers upload for patients.' }),
  entity: z.optional(EntityRef),
  fileRequestId: z.optional(Uuid),
  expiryInterval: z.optional(ExpiryInterval),
  category: z.optional(Category),
  recordType: z.optional(z.nullable(RecordType)),
  description: z.optional(Description),
});
export type UploadMetadata = z.infer<typeof UploadMetadata>;

export const LIST_SORTS = ['createdAt', 'originalName', 'size'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

/**
 * What `listFiles` is asked, already validated: filters, order and one page. The query string that carries it
 * is an HTTP format (shared/http/formats/files.ts `ListQuery`), which must produce this shape.
 */
export interface ListFilesRequest {
  ownerId?: string;
  /** Given together with `entityId`, or not at all. */
  entityType?: string;
  entityId?: string;
  category?: Category;
  recordType?: RecordType;
  /** In lower case, as ids are stored. */
  fileRequestId?: string;
  state: FileState | 'all';
  /** A patient also sees files shared with it. */
  includeShared: boolean;
  sort: ListSort;
  order: 'asc' | 'desc';
  /** 1–100. */
  limit: number;
  /** Opaque, from the previous page of the same query. */
  cursor?: string;
}

/**
 * A file as one caller sees it: the stored record without its version, plus whether this caller may archive
 * it. The HTTP File resource (shared/http/formats/files.ts) describes exactly this.
 */
export type FileView = Omit<FileRecord, 'version'> & { deletable: boolean };

export const PatchFileBody = z
  .strictObject({
    description: z.optional(Description),
    originalName: z.optional(FileName),
    category: z.optional(Category),
    recordType: z.optional(z.nullable(RecordType)),
    entity: z.optional(z.nullable(EntityRef)),
    sharedWith: z.optional(
      z
        .array(UserId)
        .check(
          z.maxLength(100, 'may name at most 100 users'),
          z.refine((v) => new Set(v).size === v.length, 'must not repeat a user'),
        ),
    ),
  })
  .register(z.globalRegistry, { id: 'PatchFileBody' });
export type PatchFileBody = z.infer<typeof PatchFileBody>;
