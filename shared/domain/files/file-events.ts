/** What a file event says about the file. */
import type { FileRecord } from '../file.ts';

/** Event data: ids and non-personal fields only (never names or descriptions). */
export function fileEventData(file: FileRecord): Record<string, unknown> {
  return {
    fileId: file.id,
    ownerId: file.ownerId,
    state: file.state,
    mimeType: file.mimeType,
    size: file.size,
    category: file.category,
    fileRequestId: file.fileRequestId,
  };
}
