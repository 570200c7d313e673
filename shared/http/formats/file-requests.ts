/**
 * The file-request routes on the wire (API.md, "File requests"): the FileRequest resource, its list and the
 * listing query string. The resource describes the domain's shape (`satisfies`), so the two cannot drift.
 */
import * as z from 'zod/mini';
import { Category, EntityRef, UserId, Uuid } from '../../domain/schemas.ts';
import {
  FileRequestStatus,
  type FileRequestView,
  type ListFileRequestsRequest,
} from '../../domain/file-requests/schemas.ts';
import { CreatedBy } from './files.ts';
import { PageCursor, PageLimit } from './pages.ts';

/** `GET /v1/file-requests?ownerId&status&limit&cursor`. */
export const ListFileRequestsQuery = z.strictObject({
  ownerId: z.optional(UserId),
  status: z.optional(FileRequestStatus),
  limit: PageLimit,
  cursor: PageCursor,
}) satisfies z.ZodMiniType<ListFileRequestsRequest>;

export const FileRequestResource = z
  .object({
    id: Uuid,
    tenantId: z.string(),
    ownerId: z.string(),
    requestedBy: CreatedBy,
    message: z.string(),
    categories: z.array(Category),
    entity: z.nullable(EntityRef),
    dueAt: z.nullable(z.string()),
    status: FileRequestStatus,
    fileIds: z.array(z.string()).register(z.globalRegistry, { description: 'Files uploaded for this request, oldest first.' }),
    fileCount: z.int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .register(z.globalRegistry, { id: 'FileRequest' }) satisfies z.ZodMiniType<FileRequestView>;

export const FileRequestList = z
  .object({ fileRequests: z.array(FileRequestResource), nextCursor: z.nullable(z.string()) })
  .register(z.globalRegistry, { id: 'FileRequestList' });
