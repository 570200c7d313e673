/**
 * DynamoFileIndex's mapping of SDK outcomes to the domain (no network: the document client is mocked).
 * Real DynamoDB behaviour is in test/integration/dynamo-file-index*.test.ts.
 */
import { ConditionalCheckFailedException, DynamoDBClient, DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoFileIndex, sortValues } from '../../../shared/adapters/dynamo-file-index.ts';
import { InternalError } from '../../../shared/domain/errors.ts';
import type { FileRecord } from '../../../shared/domain/file.ts';
import { AlreadyExistsError, VersionConflictError } from '../../../shared/domain/ports.ts';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }));
const mock = mockClient(db);
const index = new DynamoFileIndex(db, 'table-1');

afterEach(() => mock.reset());

const record: FileRecord = {
  id: '0193a5c2-7b4e-7000-8000-000000000001',
  tenantId: 't1',
  ownerId: 'patient-1',
  createdBy: { id: 'provider-7', role: 'provider' },
  originalName: 'Scan 1.PDF',
  extension: 'pdf',
  mimeType: 'application/pdf',
  size: 1234,
  sha256: 'a'.repeat(64),
  description: null,
  category: 'lab_result',
  recordType: 'medical',
  entity: { type: 'visit', id: 'v-1' },
  fileRequestId: null,
  state: 'active',
  imageWidth: null,
  imageHeight: null,
  sharedWith: [],
  expiresAt: '2030-01-01T00:00:00.500Z',
  createdAt: '2026-11-22T15:04:05.123Z',
  updatedAt: '2026-11-22T15:04:05.123Z',
  version: 1,
};

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const throttled = () =>
  new DynamoDBServiceException({ name: 'ProvisionedThroughputExceededException', $fault: 'client', $metadata: {}, message: 'internal table name table-1' });

describe('writes', () => {
  it('create is a conditional put of a new id; a taken id is AlreadyExistsError', async () => {
    mock.on(PutCommand).rejects(conditionFailed());
    await expect(index.create(record)).rejects.toBeInstanceOf(AlreadyExistsError);
    const input = mock.commandCalls(PutCommand)[0]!.args[0].input;
    expect(input.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(input.Item).toMatchObject({ pk: `T#t1#F#${record.id}`, sk: 'F', kind: 'file', ttl: Math.ceil(Date.parse(record.expiresAt!) / 1000) });
  });

  it('no key attribute (table or index partition) holds the file name', async () => {
    mock.on(PutCommand).resolves({});
    await index.create(record);
    const item = mock.commandCalls(PutCommand)[0]!.args[0].input.Item!;
    const keys = Object.entries(item).filter(([k]) => /^(pk|sk|g\dpk)$/.test(k));
    for (const [, value] of keys) expect(String(value)).not.toMatch(/Scan/i);
  });

  it('replace is conditional on the version; a mismatch is VersionConflictError', async () => {
    mock.on(PutCommand).rejects(conditionFailed());
    await expect(index.replace({ ...record, version: 3 }, 2)).rejects.toBeInstanceOf(VersionConflictError);
    const input = mock.commandCalls(PutCommand)[0]!.args[0].input;
    expect(input.ConditionExpression).toBe('#version = :v');
    expect(input.ExpressionAttributeNames).toEqual({ '#version': 'version' });
    expect(input.ExpressionAttributeValues).toEqual({ ':v': 2 });
  });

  it('any other failure is a plain 500 that hides the SDK message', async () => {
    mock.on(PutCommand).rejects(throttled());
    const error = await index.create(record).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalError);
    expect(error).toMatchObject({ status: 500, expose: false });
    expect((error as Error).message).not.toContain('table-1');
  });

  it('batch writes retry unprocessed items', async () => {
    mock
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { 'table-1': [{ PutRequest: { Item: { pk: 'x', sk: 'S#b' } } }] } })
      .resolves({});
    await index.syncShares({ ...record, sharedWith: ['a', 'b'] }, []);
    const calls = mock.commandCalls(BatchWriteCommand).map((c) => c.args[0].input.RequestItems!['table-1']!.length);
    expect(calls).toEqual([2, 1]);
  });
});

describe('reads', () => {
  it('get is a consistent read and maps the item back to the record exactly', async () => {
    mock.on(PutCommand).resolves({});
    await index.create(record);
    const item = mock.commandCalls(PutCommand)[0]!.args[0].input.Item!;
    mock.on(GetCommand).resolves({ Item: item });
    expect(await index.get('t1', record.id)).toEqual(record);
    expect(mock.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({ Key: { pk: `T#t1#F#${record.id}`, sk: 'F' }, ConsistentRead: true });
  });

  it('get of nothing is null', async () => {
    mock.on(GetCommand).resolves({});
    expect(await index.get('t1', record.id)).toBeNull();
  });

  it('list never scans: each source is a Query on an index, bounded by the page size', async () => {
    mock.on(QueryCommand).resolves({ Items: [] });
    await index.list({
      tenantId: 't1',
      sources: [{ by: 'tenant', state: 'active' }, { by: 'tenant', state: 'archived' }],
      filters: { states: ['active', 'archived'] },
      sort: 'size',
      order: 'asc',
      limit: 25,
      after: sortValues(record).ss,
      now: '2026-11-22T15:04:05.123Z',
    });
    const inputs = mock.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(inputs).toHaveLength(2);
    for (const input of inputs) {
      expect(input.IndexName).toBeDefined();
      expect(input.Limit).toBeLessThanOrEqual(26);
      expect(input.ScanIndexForward).toBe(true);
      expect(input.KeyConditionExpression).toContain('>');
    }
    expect(mock.calls().every((c) => c.args[0] instanceof QueryCommand)).toBe(true);
  });
});
