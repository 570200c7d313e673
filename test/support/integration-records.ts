/**
 * File records for index integration tests, and fast seeding: the adapter's own item layout is captured
 * (by running `DynamoFileIndex.create` against a recording client) and written with BatchWrite, so seeding
 * hundreds of files takes one round trip per 25 items and the tests never re-implement the layout.
 */
import { createHash } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { v7 as uuidv7 } from 'uuid';
import { DynamoFileIndex } from '../../shared/adapters/dynamo-file-index.ts';
import { extensionOf, type FileRecord } from '../../shared/domain/file.ts';

let sequence = 0;

/** A complete, valid file record; `createdAt` defaults to a distinct instant per call. */
export function fileRecord(overrides: Partial<FileRecord> & { tenantId: string }): FileRecord {
  sequence += 1;
  const createdAt = overrides.createdAt ?? new Date(Date.UTC(2026, 0, 1) + sequence * 1000).toISOString();
  const originalName = overrides.originalName ?? `file-${sequence}.pdf`;
  const size = overrides.size ?? 1000 + sequence;
  return {
    id: uuidv7(),
    ownerId: 'patient-1',
    createdBy: { id: 'provider-7', role: 'provider' },
    originalName,
    extension: extensionOf(originalName),
    mimeType: 'application/pdf',
    size,
    sha256: createHash('sha256').update(`${sequence}`).digest('hex'),
    description: null,
    category: 'user_document',
    recordType: null,
    entity: null,
    fileRequestId: null,
    state: 'active',
    imageWidth: null,
    imageHeight: null,
    sharedWith: [],
    expiresAt: null,
    createdAt,
    updatedAt: createdAt,
    version: 1,
    ...overrides,
  };
}

/** The items `DynamoFileIndex.create` would write for these records, without writing them. */
export async function itemsOf(records: FileRecord[]): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const recorder = {
    send: async (command: { input: { Item?: Record<string, unknown> } }) => {
      if (command.input.Item) items.push(command.input.Item);
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  const capture = new DynamoFileIndex(recorder, 'capture');
  for (const record of records) await capture.create(record);
  return items;
}

/** Writes records as `create` would, 25 per BatchWrite, retrying unprocessed items. */
export async function seed(db: DynamoDBDocumentClient, table: string, records: FileRecord[]): Promise<void> {
  const items = await itemsOf(records);
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await Promise.all(
    batches.map(async (batch) => {
      let pending: Record<string, unknown>[] = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 10) throw new Error('seeding did not complete');
        const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = (out.UnprocessedItems?.[table] as Record<string, unknown>[] | undefined) ?? [];
      }
    }),
  );
}

/** UTF-8 byte order, as DynamoDB compares strings. */
export const compareBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
