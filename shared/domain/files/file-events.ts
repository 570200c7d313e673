/** What a file event says about the file. */
import type { FileRecord } from '../file.ts';
import type { DomainEvent } from '../ports.ts';

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

/**
 * The events of one upload (inline or large), all of one owner: `file.created` for each file, and
 * `file-request.files.updated` with the request's new `fileCount` when they answer a file request.
 */
export function uploadEvents(files: readonly FileRecord[], fileCount: number | undefined): DomainEvent[] {
  const events: DomainEvent[] = files.map((f) => ({ type: 'file.created', tenantId: f.tenantId, data: fileEventData(f) }));
  const { tenantId, ownerId, fileRequestId } = files[0]!;
  if (fileRequestId !== null) {
    events.push({
      type: 'file-request.files.updated',
      tenantId,
      data: { fileRequestId, ownerId, fileIds: files.map((f) => f.id), fileCount },
    });
  }
  return events;
}
