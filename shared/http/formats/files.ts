/**
 * The file routes on the wire (API.md, "Files"): the File resource and the lists that hold it, and the query
 * strings of listing, reading content and deleting. Each resource schema describes the domain's shape
 * (`satisfies`), so the two cannot drift and the domain never imports HTTP.
 */
import * as z from 'zod/mini';
import {
  Category,
  EntityRef,
  LIST_SORTS,
  RecordType,
  Role,
  STATES,
  UserId,
  Uuid,
  type FileView,
  type ListFilesRequest,
} from '../../domain/schemas.ts';
import { PageCursor, PageLimit } from './pages.ts';

/** Who created a file or asked for files. */
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
    size: z.int(),
    sha256: z.string(),
    description: z.nullable(z.string()),
    category: Category,
    recordType: z.nullable(RecordType),
    entity: z.nullable(EntityRef),
    fileRequestId: z.nullable(z.string()),
    state: z.enum(STATES),
    imageWidth: z.nullable(z.int()),
    imageHeight: z.nullable(z.int()),
    sharedWith: z.array(z.string()),
    deletable: z.boolean(),
    expiresAt: z.nullable(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .register(z.globalRegistry, { id: 'File' }) satisfies z.ZodMiniType<FileView>;

export const FileWithLink = z
  .extend(FileResource, {
    downloadUrl: z
      .optional(z.string())
      .register(z.globalRegistry, { description: 'Signed content link; absent for archived files.' }),
    downloadUrlExpiresAt: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'FileWithLink' });

export const FileList = z
  .object({ files: z.array(FileResource), count: z.int(), nextCursor: z.nullable(z.string()) })
  .register(z.globalRegistry, { id: 'FileList' });

export const FilesCreated = z.object({ files: z.array(FileResource) }).register(z.globalRegistry, { id: 'FilesCreated' });

const boolString = z.pipe(z.enum(['true', 'false']), z.transform((v) => v === 'true'));

/** `GET /v1/files?…`: every filter, the order and the page, as strings, into the domain's request. */
export const ListQuery = z
  .strictObject({
    ownerId: z.optional(UserId),
    entityType: z.optional(z.string().check(z.regex(/^[a-z_]{1,32}$/, 'must be 1-32 characters a-z or _'))),
    entityId: z.optional(z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[^\p{C}]+$/u, 'must be printable'))),
    category: z.optional(Category),
    recordType: z.optional(RecordType),
    // Stored in lower case (ids from paths and uploads are); compared as such.
    fileRequestId: z.optional(z.pipe(Uuid, z.transform((v) => v.toLowerCase()))),
    state: z._default(z.enum(['active', 'archived', 'all']), 'active'),
    includeShared: z._default(boolString, false),
    sort: z._default(z.enum(LIST_SORTS), 'createdAt'),
    order: z._default(z.enum(['asc', 'desc']), 'desc'),
    limit: PageLimit,
    cursor: PageCursor,
  })
  .check(
    z.refine((q) => (q.entityType === undefined) === (q.entityId === undefined), {
      message: 'entityType and entityId go together',
      path: ['entityId'],
    }),
  ) satisfies z.ZodMiniType<ListFilesRequest>;

/**
 * `GET /v1/files/{id}/content?…`: the signed link's parameters and the thumbnail options. Lenient (other
 * parameters pass): clients append cache-busting parameters to links.
 */
export const ContentQuery = z.looseObject({
  expires: z.optional(z.string()),
  signature: z.optional(z.string()),
  download: z.optional(z.enum(['true', 'false'])),
  imageSize: z.optional(z.string()),
  format: z.optional(z.string()),
});

/** `DELETE /v1/files/{id}?permanent=true`: an admin removes the file for good instead of archiving it. */
export const DeleteQuery = z.strictObject({ permanent: z.optional(z.enum(['true', 'false'])) });
