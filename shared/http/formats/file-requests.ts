/**
 * The file-request routes on the wire (API.md, "File requests"): the FileRequest resource, its list and the
 * listing query string. The resource describes the domain's shape (`satisfies`), so the two cannot drift.
 */
import * as z from 'zod';
import { Category, EntityRef, UserId, Uuid } from '../../domain/schemas.ts';
import {
  FileRequestStatus,
  type FileRequestView,
  type ListFileRequestsRequest,
} from '../../domain/file-requests/schemas.ts';
import { CreatedBy } from './files.ts';
import { PageCursor, PageLimit } from './pages.ts';

/** `GET /v1/file-requests?ownerId&status&limit&cursor`. */
export const ListFileRequestsQuery = z
  .object({
    ownerId: UserId.optional(),
    status: FileRequestStatus.optional(),
    limit: PageLimit,
    cursor: PageCursor,
  })
  .strict() satisfies z.ZodType<ListFileRequestsRequest>;

export const FileRequestResource = z
  .object({
    id: Uuid,
    tenantId: z.string(),
    ownerId: z.string(),
    requestedBy: CreatedBy,
    message: z.string(),
    categories: z.array(Category),
    entity: EntityRef.nullable(),
    dueAt: z.string().nullable(),
    status: FileRequestStatus,
    fileIds: z.array(z.string()).meta({ description: 'Files uploaded for this request, oldest first.' }),
    fileCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'FileRequest' }) satisfies z.ZodType<FileRequestView>;

export const FileRequestList = z
  .object({ fileRequests: z.array(FileRequestResource), nextCursor: z.string().nullable() })
  .meta({ id: 'FileRequestList' });
