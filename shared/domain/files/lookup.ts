/** Reading one file record the way every use case does: expired files do not exist, invisible ones are 404. */
import { isExpired, type Caller, type FileRecord } from '../file.ts';
import { NotFoundError } from '../errors.ts';
import { assertVisible, canSee } from '../policy.ts';
import type { FileIndex } from '../ports.ts';
import type { Auditor } from '../audit/auditor.ts';
import type { AuditAction } from '../audit/records.ts';

/** What every file use case may be given besides its ports. */
export interface Clock {
  now?: () => Date;
}

/** The record if it exists and has not expired. */
export async function liveFile(index: FileIndex, tenantId: string, id: string, now: Date): Promise<FileRecord | null> {
  const file = await index.get(tenantId, id);
  return file && !isExpired(file, now) ? file : null;
}

/** The record if the caller may see it; NotFoundError otherwise (never a 403 that would reveal it exists). */
export async function visibleFile(index: FileIndex, caller: Caller, id: string, now: Date): Promise<FileRecord> {
  const file = await liveFile(index, caller.tenantId, id, now);
  assertVisible(caller, file);
  return file as FileRecord;
}

/**
 * As `visibleFile`, for a use case the audit trail records: an attempt on a file that exists but that the caller may
 * not see is recorded as denied (for each of `actions`) before the caller gets its 404.
 */
export async function auditedFile(
  index: FileIndex,
  auditor: Auditor,
  caller: Caller,
  id: string,
  actions: readonly AuditAction[],
  now: Date,
): Promise<FileRecord> {
  const file = await liveFile(index, caller.tenantId, id, now);
  if (file && !canSee(caller, file)) await auditor.deny(caller, file.id, actions, new NotFoundError('File not found'));
  assertVisible(caller, file);
  return file as FileRecord;
}
