/**
 * The baselines' storage calls must move what the API moves: the same object key layout and the same DynamoDB
 * item (every index attribute included, since dynalite maintains each index a put touches). Rather than import
 * the key and item layouts from shared/ (being reworked, and the point is to measure the API from outside),
 * the benchmark looks up what the API actually stored for a file and re-targets it at another id.
 */
import { randomUUID } from 'node:crypto';
import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

export interface StoredTwin {
  /** The object key the API would use for file `id` (the stored original's key). */
  key(id: string): string;
  /** The file's DynamoDB item, as the API wrote it, re-targeted at file `id`. */
  item(id: string): Record<string, AttributeValue>;
}

/** A new file id shaped like the API's (same length, so twins have the same sizes). */
export const newFileId = (): string => randomUUID();

/**
 * What the API stored for file `fileId`: the object of `size` bytes whose key names the id, and the item that
 * names the id with the most attributes (the file record, not a side item).
 */
export async function storedTwin(
  clients: { s3: S3Client; db: DynamoDBClient },
  names: { bucket: string; table: string },
  fileId: string,
  size: number,
): Promise<StoredTwin> {
  let key: string | undefined;
  let token: string | undefined;
  do {
    const page = await clients.s3.send(new ListObjectsV2Command({ Bucket: names.bucket, ContinuationToken: token }));
    key ??= page.Contents?.find((o) => o.Key?.includes(fileId) && o.Size === size)?.Key;
    token = page.NextContinuationToken;
  } while (!key && token);
  if (!key) throw new Error(`no stored object of ${size} bytes for file ${fileId}`);

  let item: Record<string, AttributeValue> | undefined;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await clients.db.send(new ScanCommand({ TableName: names.table, ExclusiveStartKey: start }));
    for (const candidate of page.Items ?? []) {
      if (!JSON.stringify(candidate).includes(fileId)) continue;
      if (!item || Object.keys(candidate).length > Object.keys(item).length) item = candidate;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  if (!item) throw new Error(`no item for file ${fileId}`);

  const itemJson = JSON.stringify(item);
  const found = key;
  return {
    key: (id) => found.replaceAll(fileId, id),
    item: (id) => JSON.parse(itemJson.replaceAll(fileId, id)) as Record<string, AttributeValue>,
  };
}
