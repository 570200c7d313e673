/** The file record as stored, and how it becomes the API's File resource for one caller. */
import { createHash } from 'node:crypto';
import type { Category, EntityRef, FileState, FileView as FileResource, RecordType, Role } from './schemas.ts';
import { canArchive } from './policy.ts';
import type { RequestOrigin } from './audit/records.ts';

/** Who is calling: from a verified token, or from a verified signed content link. */
export interface Caller {
  sub: string;
  tenantId: string;
  role: Role;
  via: 'token' | 'signed_link';
  /** Where the request came from, for the audit trail; set by the HTTP layer. */
  origin?: RequestOrigin;
}

export interface FileRecord {
  id: string;
  tenantId: string;
  ownerId: string;
  createdBy: { id: string; role: Role };
  originalName: string;
  extension: string;
  mimeType: string;
  size: number;
  sha256: string;
  description: string | null;
  category: Category;
  recordType: RecordType | null;
  entity: EntityRef | null;
  fileRequestId: string | null;
  state: FileState;
  imageWidth: number | null;
  imageHeight: number | null;
  sharedWith: string[];
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Increments on every change; part of the ETag and the condition of every update. */
  version: number;
}

/** Everything stored for one file lives under one prefix: tenant and ids only, never a name. */
export const fileKeyPrefix = (tenantId: string, fileId: string) => `tenants/${tenantId}/files/${fileId}/`;

/**
 * The key of a file's bytes. It is fixed by the ids, so a download can start reading the bytes while it
 * reads the metadata. Only one writer ever writes it: server ids are fresh UUIDv7s, and client-chosen ids
 * are claimed in the index first.
 */
export const contentKey = (tenantId: string, fileId: string) => `${fileKeyPrefix(tenantId, fileId)}content`;

/** Lower-case extension from a name, no dot; '' when there is none. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return '';
  const ext = name.slice(dot + 1).toLowerCase();
  return /^[\p{L}\p{N}]{1,16}$/u.test(ext) ? ext : '';
}

/** Strong ETag of the file's metadata and content version. */
export function etagOf(file: Pick<FileRecord, 'id' | 'version' | 'sha256'>): string {
  const digest = createHash('sha256').update(`${file.id}:${file.version}:${file.sha256}`).digest('base64url');
  return `"${digest.slice(0, 27)}"`;
}

/**
 * `previous` written back over `written` as a new version: a change taken back (its audit record could not be
 * written) never makes an ETag that meant other content valid again.
 */
export function reverted(previous: FileRecord, written: FileRecord): FileRecord {
  return { ...previous, version: written.version + 1 };
}

export function isExpired(file: Pick<FileRecord, 'expiresAt'>, now: Date): boolean {
  return file.expiresAt !== null && file.expiresAt <= now.toISOString();
}

export function toFileResource(file: FileRecord, caller: Caller): FileResource {
  return {
    id: file.id,
    tenantId: file.tenantId,
    ownerId: file.ownerId,
    createdBy: file.createdBy,
    originalName: file.originalName,
    extension: file.extension,
    mimeType: file.mimeType,
    size: file.size,
    sha256: file.sha256,
    description: file.description,
    category: file.category,
    recordType: file.recordType,
    entity: file.entity,
    fileRequestId: file.fileRequestId,
    state: file.state,
    imageWidth: file.imageWidth,
    imageHeight: file.imageHeight,
    // A patient the file is shared with sees that it is shared with itself, not with whom else.
    sharedWith: caller.role === 'patient' && caller.sub !== file.ownerId ? file.sharedWith.filter((id) => id === caller.sub) : file.sharedWith,
    deletable: canArchive(caller, file),
    expiresAt: file.expiresAt,
    createdAt: file.createdAt,
    updatedAt: file.updatedAt,
  };
}
