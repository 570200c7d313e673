import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { observed } from '../shared/observability/invocation.ts';
import { reportError } from '../shared/adapters/reporters.ts';
import { abandonedUploads, expiry } from '../shared/adapters/wiring/use-cases.ts';
import { abandonedUploadsOf, expiredFilesOf } from '../shared/adapters/ttl-stream.ts';

const expiring = expiry();
const abandoned = abandonedUploads();

type Failure = { itemIdentifier: string };

/** Runs `work` for each removal; a failure is logged (ids only) and reported for the stream to retry. */
async function each<T extends { id: string }>(
  what: string,
  items: { item: T; sequenceNumber: string }[],
  work: (item: T) => Promise<void>,
): Promise<Failure[]> {
  const failures: Failure[] = [];
  for (const { item, sequenceNumber } of items) {
    try {
      await work(item);
    } catch (error) {
      reportError(what, error, { fileId: item.id });
      failures.push({ itemIdentifier: sequenceNumber });
    }
  }
  return failures;
}

/**
 * Table stream (TTL removals) → the expired file's bytes, thumbnails and share markers are removed and
 * `file.expired` is published; an upload never completed (its pending record expired) loses its object or
 * multipart parts. Locally the expiry sweeper calls this with the same event shape.
 * Failures are reported per record, so a retry redoes only what failed (each step is idempotent).
 */
export const handler = observed('expire-files', async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const files = expiredFilesOf(event).map(({ file, sequenceNumber }) => ({ item: file, sequenceNumber }));
  const uploads = abandonedUploadsOf(event).map(({ upload, sequenceNumber }) => ({ item: upload, sequenceNumber }));
  const failures = [
    ...(files.length ? await each('expire failed', files, (f) => expiring.expire(f)) : []),
    ...(uploads.length ? await each('upload cleanup failed', uploads, (u) => abandoned.clean(u)) : []),
  ];
  return { batchItemFailures: failures };
});
