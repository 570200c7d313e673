import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { expiryApp } from '../shared/adapters/app.ts';
import { expiredFilesOf } from '../shared/adapters/ttl-stream.ts';

/**
 * Table stream (TTL removals) → the expired file's bytes, thumbnails and share markers are removed and
 * `file.expired` is published. Locally the expiry sweeper calls this with the same event shape.
 * Failures are reported per record, so a retry redoes only what failed (each step is idempotent).
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const expiry = await expiryApp();
  const failures: { itemIdentifier: string }[] = [];
  for (const { file, sequenceNumber } of expiredFilesOf(event)) {
    try {
      await expiry.expire(file);
    } catch (error) {
      console.error(JSON.stringify({ level: 'ERROR', what: 'expire failed', fileId: file.id, error: (error as Error)?.name }));
      failures.push({ itemIdentifier: sequenceNumber });
    }
  }
  return { batchItemFailures: failures };
};
