/** Reading one file record the way every use case does: expired files do not exist, invisible ones are 404. */
import { isExpired, type Caller, type FileRecord } from '../file.ts';
import { assertVisible } from '../policy.ts';
import type { FileIndex } from '../ports.ts';

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
