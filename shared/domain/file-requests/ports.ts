/** Where file requests are kept: the store port and its list plan. */
import type { FileRequestRecord } from './record.ts';
import type { FileRequestStatus } from './schemas.ts';

export interface FileRequestSource {
  status: FileRequestStatus;
  ownerId?: string;
}

export interface FileRequestListPlan {
  tenantId: string;
  /** Read and merged newest first; each request is in exactly one of them (its current status). */
  sources: FileRequestSource[];
  limit: number;
  /** Resume strictly after this sort position (from the previous page's cursor). */
  after?: string;
}

export interface FileRequestPage {
  fileRequests: FileRequestRecord[];
  /** The sort position to resume after, or null when there is nothing more. */
  nextAfter: string | null;
}

/** Where file requests are kept (DynamoDB: shared/adapters/dynamo-file-request-store.ts). */
export interface FileRequestStore {
  get(tenantId: string, id: string): Promise<FileRequestRecord | null>;
  /** Throws AlreadyExistsError when the id is taken in the tenant. */
  create(record: FileRequestRecord): Promise<void>;
  /** Replaces a record if its stored version is `expectedVersion`; else throws VersionConflictError. */
  replace(record: FileRequestRecord, expectedVersion: number): Promise<void>;
  /**
   * Appends file ids in one conditional write, only while the request is open, addressed to `ownerId` and
   * has room for them (`fileCount + fileIds.length <= maxFileCount`); bumps `fileCount`, `version` and
   * `updatedAt`. Returns the updated record, or null when the request is absent or a condition fails.
   */
  appendFiles(
    tenantId: string,
    id: string,
    ownerId: string,
    fileIds: readonly string[],
    options: { maxFileCount: number; updatedAt: string },
  ): Promise<FileRequestRecord | null>;
  /** One page, newest first (createdAt, then id), across the plan's sources. */
  list(plan: FileRequestListPlan): Promise<FileRequestPage>;
}
