/**
 * The request and response schemas. Each schema validates a request in a handler, types the code, and
 * feeds the OpenAPI document (shared/domain/openapi.ts): one schema, three uses.
 */
import * as z from 'zod';

/** No C0/C1 control characters, DEL, or Unicode line/paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export const ROLES = ['patient', 'provider', 'admin', 'service'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const CATEGORIES = [
  'user_document', 'intake_attachment', 'user_consent', 'user_avatar', 'visit_note', 'lab_result', 'imaging',
  'prescription', 'other',
] as const;
export const Category = z.enum(CATEGORIES).meta({ description: 'What the file is for. Default `user_document`.' });
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
export const UserId = z
  .string()
  .min(1)
  .max(128)
  .refine((v) => !CONTROL.test(v), 'must not contain control characters');
export const EntityRef = z
  .object({
    type: z.string().regex(/^[a-z_]{1,32}$/, 'must be 1-32 characters a-z or _'),
    id: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[^\p{C}]+$/u, 'must be 1-128 printable characters'),
  })
  .strict()
  .meta({ description: 'What the file belongs to, e.g. `{ "type": "visit", "id": "v-42" }`.' });
export type EntityRef = z.infer<typeof EntityRef>;

export const FileName = z
  .string()
  .min(1, 'must not be empty')
  .refine((v) => Array.from(v).length <= 255, 'must be at most 255 characters')
  .refine((v) => !CONTROL.test(v), 'must not contain control characters')
  .refine((v) => !/[/\\]/.test(v), 'must not contain path separators')
  .refine((v) => v.trim() !== '.' && v.trim() !== '..' && v.trim() !== '', 'is not a file name');
export const Description = z.string().max(2000).nullable();
export const ExpiryInterval = z
  .number({ message: 'must be a whole number of seconds' })
  .int('must be a whole number of seconds')
  .min(1, 'must be at least 1 second')
  .max(MAX_EXPIRY_SECONDS, 'must be at most 10 years')
  .meta({ description: 'Seconds until the file expires (1 s to 10 years). `expiresAt = createdAt + expiryInterval`.' });

/** Metadata a request may give for all its files; per-file fields win. */
export const UploadMetadata = z.object({
  ownerId: UserId.optional().meta({ description: 'Owner (patient) of the files; providers upload for patients.' }),
  entity: EntityRef.optional(),
  fileRequestId: Uuid.optional(),
  expiryInterval: ExpiryInterval.optional(),
  category: Category.optional(),
  recordType: RecordType.nullable().optional(),
  description: Description.optional(),
});
export type UploadMetadata = z.infer<typeof UploadMetadata>;

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
export type UploadJsonBody = z.infer<typeof UploadJsonBody>;

/** Text fields of multipart uploads and query parameters of `PUT /v1/files/{id}/content`. */
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

export const CreatedBy = z.object({ id: z.string(), role: Role });

export const FileResource = z
  .object({
    id: Uuid,
    tenantId: z.string(),
    ownerId: z.string(),
    createdBy: CreatedBy,
    originalName: z.string(),
    extension: z.string(),
    mimeType: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    description: z.string().nullable(),
    category: Category,
    recordType: RecordType.nullable(),
    entity: EntityRef.nullable(),
    fileRequestId: z.string().nullable(),
    state: z.enum(STATES),
    imageWidth: z.number().int().nullable(),
    imageHeight: z.number().int().nullable(),
    sharedWith: z.array(z.string()),
    deletable: z.boolean(),
    expiresAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'File' });
export type FileResource = z.infer<typeof FileResource>;

export const FileWithLink = FileResource.extend({
  downloadUrl: z.string().optional().meta({ description: 'Signed content link; absent for archived files.' }),
  downloadUrlExpiresAt: z.string().optional(),
}).meta({ id: 'FileWithLink' });

export const FileList = z
  .object({ files: z.array(FileResource), count: z.number().int(), nextCursor: z.string().nullable() })
  .meta({ id: 'FileList' });

export const FilesCreated = z.object({ files: z.array(FileResource) }).meta({ id: 'FilesCreated' });

const boolString = z.enum(['true', 'false']).transform((v) => v === 'true');

/** `limit` of every list route: 1–100, default 25. */
export const PageLimit = z
  .string()
  .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')
  .transform(Number)
  .pipe(z.number().min(1, 'must be from 1 to 100').max(100, 'must be from 1 to 100'))
  .default(25);
/** `cursor` of every list route: opaque, from the previous page. */
export const PageCursor = z.string().max(4096).optional();

export const LIST_SORTS = ['createdAt', 'originalName', 'size'] as const;
export const ListQuery = z
  .object({
    ownerId: UserId.optional(),
    entityType: z.string().regex(/^[a-z_]{1,32}$/, 'must be 1-32 characters a-z or _').optional(),
    entityId: z.string().min(1).max(128).regex(/^[^\p{C}]+$/u, 'must be printable').optional(),
    category: Category.optional(),
    recordType: RecordType.optional(),
    // Stored in lower case (ids from paths and uploads are); compared as such.
    fileRequestId: Uuid.transform((v) => v.toLowerCase()).optional(),
    state: z.enum(['active', 'archived', 'all']).default('active'),
    includeShared: boolString.default(false),
    sort: z.enum(LIST_SORTS).default('createdAt'),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: PageLimit,
    cursor: PageCursor,
  })
  .strict()
  .refine((q) => (q.entityType === undefined) === (q.entityId === undefined), {
    message: 'entityType and entityId go together',
    path: ['entityId'],
  });
export type ListQuery = z.infer<typeof ListQuery>;

export const PatchFileBody = z
  .object({
    description: Description.optional(),
    originalName: FileName.optional(),
    category: Category.optional(),
    recordType: RecordType.nullable().optional(),
    entity: EntityRef.nullable().optional(),
    sharedWith: z
      .array(UserId)
      .max(100, 'may name at most 100 users')
      .refine((v) => new Set(v).size === v.length, 'must not repeat a user')
      .optional(),
  })
  .strict()
  .meta({ id: 'PatchFileBody' });
export type PatchFileBody = z.infer<typeof PatchFileBody>;

export const ContentQuery = z
  .object({
    expires: z.string().optional(),
    signature: z.string().optional(),
    download: z.enum(['true', 'false']).optional(),
    imageSize: z.string().optional(),
    format: z.string().optional(),
  })
  // Lenient: clients append cache-busting parameters to links.
  .loose();

export const DeleteQuery = z.object({ permanent: z.enum(['true', 'false']).optional() }).strict();

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })),
      requestId: z.string(),
    }),
  })
  .meta({ id: 'Error' });

export const Health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
