/** The record of an upload between `POST /v1/uploads` and its completion, and the port that keeps it. */
import type { Category, EntityRef, RecordType, Role } from '../schemas.ts';

/** An upload in progress: what was declared, kept until completion (ids and metadata; the name never in keys). */
export interface PendingUpload {
  tenantId: string;
  id: string;
  ownerId: string;
  createdBy: { id: string; role: Role };
  name: string;
  /** Declared type, normalized and allowed. */
  mimeType: string;
  size: number;
  sha256: string | null;
  description: string | null;
  category: Category;
  recordType: RecordType | null;
  entity: EntityRef | null;
  fileRequestId: string | null;
  expiryInterval: number | null;
  /** Storage's multipart upload id; null for a single PUT. */
  multipartUploadId: string | null;
  partCount: number;
  createdAt: string;
  /** When the pending upload (and the id's claim) expires and is removed. */
  expiresAt: string;
}

/** Pending uploads (DynamoDB: an item next to the id's claim, removed by TTL). */
export interface PendingUploadStore {
  /** Throws AlreadyExistsError when the id holds a pending upload already. */
  put(upload: PendingUpload): Promise<void>;
  /** The pending upload, or null (also once it has expired, even if TTL has not removed it yet). */
  get(tenantId: string, id: string, now: Date): Promise<PendingUpload | null>;
  remove(tenantId: string, id: string): Promise<void>;
}
