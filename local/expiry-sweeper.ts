/**
 * What DynamoDB TTL and its stream do in AWS, locally (no emulator deletes expired items): every
 * MEDFILES_EXPIRY_SWEEP_SECONDS, read the due items from the schedule index, delete each one that is still
 * due (conditionally, as TTL would), and hand the removals to the `ttl-removals` consumer as a stream batch of
 * the shape AWS sends.
 */
import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { EXPIRY_PARTITION } from '../shared/adapters/dynamo-file-index.ts';
import { SCHEDULE_INDEX, TABLE_SCHEMA } from '../shared/adapters/table-schema.ts';
import { TTL_PRINCIPAL } from '../shared/adapters/ttl-stream.ts';
import type { LocalConsumer } from './bus.ts';

export interface SweeperOptions {
  db: DynamoDBClient;
  table: string;
  consumers: LocalConsumer[];
  everySeconds: number;
  log: (line: string) => void;
}

export interface SweepResult {
  /** Items removed by this sweep. */
  removed: number;
  /** Removals the consumer reported as failed: handed to it again by the next sweep (the stream retries too). */
  failed: DynamoDBRecord[];
}

/** One sweep: removes what is due and hands the removals, plus `carried` failures, to the consumers. */
export async function sweepOnce(
  options: Omit<SweeperOptions, 'everySeconds'>,
  now = new Date(),
  carried: DynamoDBRecord[] = [],
): Promise<SweepResult> {
  const { db, table } = options;
  const targets = options.consumers.filter((c) => c.def.trigger.kind === 'ttl-removals');
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const records: DynamoDBRecord[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: table,
        IndexName: SCHEDULE_INDEX.name,
        KeyConditionExpression: '#p = :p AND #s <= :now',
        ExpressionAttributeNames: { '#p': SCHEDULE_INDEX.partitionKey, '#s': SCHEDULE_INDEX.sortKey },
        ExpressionAttributeValues: { ':p': { S: EXPIRY_PARTITION }, ':now': { S: `${now.toISOString()}\uffff` } },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const key = { [TABLE_SCHEMA.partitionKey]: item[TABLE_SCHEMA.partitionKey]!, [TABLE_SCHEMA.sortKey]: item[TABLE_SCHEMA.sortKey]! };
      try {
        const out = await db.send(
          new DeleteItemCommand({
            TableName: table,
            Key: key,
            ConditionExpression: '#ttl <= :now',
            ExpressionAttributeNames: { '#ttl': TABLE_SCHEMA.ttlAttribute },
            ExpressionAttributeValues: { ':now': { N: String(nowSeconds) } },
            ReturnValues: 'ALL_OLD',
          }),
        );
        if (out.Attributes) records.push(removal(key, out.Attributes, now));
      } catch (error) {
        // Changed since it was read (e.g. a claim that became a file): not due any more.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);

  const removed = records.length;
  records.push(...carried);
  const failed = new Map<string, DynamoDBRecord>();
  if (records.length > 0) {
    const event: DynamoDBStreamEvent = { Records: records };
    for (const target of targets) {
      const response = (await target.handler(event, {} as never).catch(() => ({
        batchItemFailures: records.map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber! })),
      }))) as DynamoDBBatchResponse | undefined;
      for (const { itemIdentifier } of response?.batchItemFailures ?? []) {
        const record = records.find((r) => r.dynamodb?.SequenceNumber === itemIdentifier);
        if (record) failed.set(itemIdentifier, record);
      }
    }
  }
  return { removed, failed: [...failed.values()] };
}

function removal(keys: Record<string, AttributeValue>, oldImage: Record<string, AttributeValue>, now: Date): DynamoDBRecord {
  return {
    eventID: randomUUID().replace(/-/g, ''),
    eventName: 'REMOVE',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'local',
    userIdentity: { type: 'Service', principalId: TTL_PRINCIPAL },
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(now.getTime() / 1000),
      Keys: keys as never,
      OldImage: oldImage as never,
      SequenceNumber: String(now.getTime()) + String(Math.floor(Math.random() * 1e6)).padStart(6, '0'),
      SizeBytes: 0,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/** Sweeps every `everySeconds` until the returned stop function is called. */
export function startExpirySweeper(options: SweeperOptions): () => Promise<void> {
  let running: Promise<unknown> | undefined;
  let retry: DynamoDBRecord[] = [];
  const timer = setInterval(() => {
    if (running) return;
    running = sweepOnce(options, new Date(), retry)
      .then((result) => {
        retry = result.failed;
        if (retry.length > 0) options.log(`expiry: ${retry.length} removal(s) failed; retrying on the next sweep`);
      })
      .catch((error: unknown) => options.log(`expiry sweeper failed (${(error as Error)?.name})`))
      .finally(() => (running = undefined));
  }, options.everySeconds * 1000);
  return async () => {
    clearInterval(timer);
    await running;
  };
}
