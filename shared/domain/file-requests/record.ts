/** The stored file request, its resource and its event data. */
import type { Category, EntityRef, Role } from '../schemas.ts';
import type { FileRequestStatus, FileRequestView as FileRequestResource } from './schemas.ts';

export interface FileRequestRecord {
  id: string;
  tenantId: string;
  ownerId: string;
  requestedBy: { id: string; role: Role };
  message: string;
  categories: Category[];
  entity: EntityRef | null;
  dueAt: string | null;
  status: FileRequestStatus;
  fileIds: string[];
  fileCount: number;
  createdAt: string;
  updatedAt: string;
  /** Increments on every change (including added files); the condition of every replace. */
  version: number;
}

export function toFileRequestResource(record: FileRequestRecord): FileRequestResource {
  const { version: _version, ...resource } = record;
  return resource;
}

/** Event data: ids and non-personal fields only. The message is free text about a patient: never here. */
export function fileRequestEventData(record: FileRequestRecord): Record<string, unknown> {
  return {
    fileRequestId: record.id,
    ownerId: record.ownerId,
    status: record.status,
    fileCount: record.fileCount,
    dueAt: record.dueAt,
  };
}
