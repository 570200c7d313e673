import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { abandonedUploadsApp, expiryApp } from '../shared/adapters/app.ts';
import { abandonedUploadsOf, expiredFilesOf } from '../shared/adapters/ttl-stream.ts';

/**
 * Table stream (TTL removals) → the expired file's bytes, thumbnails and share markers are removed and
 * `file.expired` is published; an upload never completed (its pending record expired) loses its object or
 * multipart parts. Locally the expiry sweeper calls this with the same event shape.
 * Failures are reported per record, so a retry redoes only what failed (each step is idempotent).
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const failures: { itemIdentifier: string }[] = [];
  const files = expiredFilesOf(event);
  if (files.length > 0) {
    const expiry = await expiryApp();
    for (const { file, sequenceNumber } of files) {
      try {
        await expiry.expire(file);
      } catch (error) {
        console.error(JSON.stringify({ level: 'ERROR', what: 'expire failed', fileId: file.id, error: (error as Error)?.name }));
        failures.push({ itemIdentifier: sequenceNumber });
      }
    }
  }
  const uploads = abandonedUploadsOf(event);
  if (uploads.length > 0) {
    const cleaner = await abandonedUploadsApp();
    for (const { upload, sequenceNumber } of uploads) {
      try {
        await cleaner.clean(upload);
      } catch (error) {
        console.error(JSON.stringify({ level: 'ERROR', what: 'upload cleanup failed', fileId: upload.id, error: (error as Error)?.name }));
        failures.push({ itemIdentifier: sequenceNumber });
      }
    }
  }
  return { batchItemFailures: failures };
};
