/**
 * The file routes on the wire (API.md, "Files"): the File resource and the lists that hold it, and the query
 * strings of listing, reading content and deleting. Each resource schema describes the domain's shape
 * (`satisfies`), so the two cannot drift and the domain never imports HTTP.
 */
import * as z from 'zod';
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
  .meta({ id: 'File' }) satisfies z.ZodType<FileView>;

export const FileWithLink = FileResource.extend({
  downloadUrl: z.string().optional().meta({ description: 'Signed content link; absent for archived files.' }),
  downloadUrlExpiresAt: z.string().optional(),
}).meta({ id: 'FileWithLink' });

export const FileList = z
  .object({ files: z.array(FileResource), count: z.number().int(), nextCursor: z.string().nullable() })
  .meta({ id: 'FileList' });

export const FilesCreated = z.object({ files: z.array(FileResource) }).meta({ id: 'FilesCreated' });

const boolString = z.enum(['true', 'false']).transform((v) => v === 'true');

/** `GET /v1/files?…`: every filter, the order and the page, as strings, into the domain's request. */
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
  }) satisfies z.ZodType<ListFilesRequest>;

/** `GET /v1/files/{id}/content?…`: the signed link's parameters and the thumbnail options. */
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

/** `DELETE /v1/files/{id}?permanent=true`: an admin removes the file for good instead of archiving it. */
export const DeleteQuery = z.object({ permanent: z.enum(['true', 'false']).optional() }).strict();
