/**
 * DynamoFileRequestStore's mapping of SDK outcomes to the domain and the shape of its requests (no network:
 * the document client is mocked). Real DynamoDB behaviour is in test/integration/dynamo-file-request-store.test.ts.
 */
import { ConditionalCheckFailedException, DynamoDBClient, DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoFileRequestStore } from '../../../shared/adapters/dynamo-file-request-store.ts';
import { InternalError } from '../../../shared/domain/errors.ts';
import type { FileRequestRecord } from '../../../shared/domain/file-requests/record.ts';
import { AlreadyExistsError, VersionConflictError } from '../../../shared/domain/ports.ts';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }));
const mock = mockClient(db);
const store = new DynamoFileRequestStore(db, 'table-1');

afterEach(() => mock.reset());

const record: FileRequestRecord = {
  id: '0193a5c2-7b4e-7000-8000-000000000001',
  tenantId: 't1',
  ownerId: 'patient-1',
  requestedBy: { id: 'provider-7', role: 'provider' },
  message: 'Photos of the rash',
  categories: ['imaging'],
  entity: { type: 'visit', id: 'v-1' },
  dueAt: '2026-12-01T09:00:00.000Z',
  status: 'open',
  fileIds: [],
  fileCount: 0,
  createdAt: '2026-11-22T15:04:05.123Z',
  updatedAt: '2026-11-22T15:04:05.123Z',
  version: 1,
};

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const throttled = () =>
  new DynamoDBServiceException({ name: 'ProvisionedThroughputExceededException', $fault: 'client', $metadata: {}, message: 'internal table name table-1' });

describe('writes', () => {
  it('create is a conditional put; its keys hold ids and status only, never the message', async () => {
    mock.on(PutCommand).resolves({});
    await store.create(record);
    const input = mock.commandCalls(PutCommand)[0]!.args[0].input;
    expect(input.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(input.Item).toMatchObject({
      pk: `T#t1#FR#${record.id}`,
      sk: 'FR',
      kind: 'file-request',
      sc: `${record.createdAt}\u0001${record.id}`,
      g1pk: 'T#t1#FR#open',
      g2pk: 'T#t1#FR#open#o#patient-1',
    });
    for (const [key, value] of Object.entries(input.Item!).filter(([k]) => /^(pk|sk|sc|g\dpk)$/.test(k))) {
      expect(String(value), key).not.toContain('rash');
    }
  });

  it('a taken id is AlreadyExistsError; a stale replace is VersionConflictError', async () => {
    mock.on(PutCommand).rejects(conditionFailed());
    await expect(store.create(record)).rejects.toBeInstanceOf(AlreadyExistsError);
    await expect(store.replace({ ...record, version: 3 }, 2)).rejects.toBeInstanceOf(VersionConflictError);
    const input = mock.commandCalls(PutCommand)[1]!.args[0].input;
    expect(input.ConditionExpression).toBe('#kind = :kind AND #version = :v');
    expect(input.ExpressionAttributeValues).toEqual({ ':kind': 'file-request', ':v': 2 });
  });

  it('appendFiles is one conditional update; a failed condition is null', async () => {
    mock.on(UpdateCommand).rejects(conditionFailed());
    expect(await store.appendFiles('t1', record.id, 'patient-1', ['f-1'], { maxFileCount: 10, updatedAt: record.updatedAt })).toBeNull();
    const input = mock.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.ConditionExpression).toContain('#status = :open');
    expect(input.ConditionExpression).toContain('#ownerId = :owner');
    expect(input.ExpressionAttributeValues).toMatchObject({ ':ids': ['f-1'], ':n': 1, ':owner': 'patient-1', ':room': 9 });
    expect(input.ReturnValues).toBe('ALL_NEW');
  });

  it('any other failure is a plain 500 that hides the SDK message', async () => {
    mock.on(PutCommand).rejects(throttled());
    mock.on(UpdateCommand).rejects(throttled());
    mock.on(GetCommand).rejects(throttled());
    mock.on(QueryCommand).rejects(throttled());
    const failures = await Promise.all([
      store.create(record).catch((e: unknown) => e),
      store.replace(record, 1).catch((e: unknown) => e),
      store.appendFiles('t1', record.id, 'patient-1', ['f'], { maxFileCount: 10, updatedAt: record.updatedAt }).catch((e: unknown) => e),
      store.get('t1', record.id).catch((e: unknown) => e),
      store.list({ tenantId: 't1', sources: [{ status: 'open' }], limit: 5 }).catch((e: unknown) => e),
    ]);
    for (const error of failures) {
      expect(error).toBeInstanceOf(InternalError);
      expect(error).toMatchObject({ status: 500, expose: false });
      expect((error as Error).message).not.toContain('table-1');
    }
  });
});

describe('reads', () => {
  it('get is a consistent read, maps the item back exactly, and ignores items of other kinds', async () => {
    mock.on(PutCommand).resolves({});
    await store.create(record);
    const item = mock.commandCalls(PutCommand)[0]!.args[0].input.Item!;
    mock.on(GetCommand).resolves({ Item: item });
    expect(await store.get('t1', record.id)).toEqual(record);
    expect(mock.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({ Key: { pk: `T#t1#FR#${record.id}`, sk: 'FR' }, ConsistentRead: true });
    mock.on(GetCommand).resolves({ Item: { ...item, kind: 'file' } });
    expect(await store.get('t1', record.id)).toBeNull();
  });

  it('list never scans: one Query per status partition, newest first, seeking past the cursor', async () => {
    mock.on(QueryCommand).resolves({ Items: [] });
    await store.list({
      tenantId: 't1',
      sources: [{ status: 'open', ownerId: 'p' }, { status: 'fulfilled', ownerId: 'p' }, { status: 'cancelled', ownerId: 'p' }],
      limit: 25,
      after: `${record.createdAt}\u0001${record.id}`,
    });
    const inputs = mock.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => i.ExpressionAttributeValues![':p'])).toEqual(['T#t1#FR#open#o#p', 'T#t1#FR#fulfilled#o#p', 'T#t1#FR#cancelled#o#p']);
    for (const input of inputs) {
      expect(input.IndexName).toBe('g2-sc');
      expect(input.ScanIndexForward).toBe(false);
      expect(input.Limit).toBe(26);
      expect(input.KeyConditionExpression).toBe('#p = :p AND #s < :after');
    }
    expect(mock.calls().every((c) => c.args[0] instanceof QueryCommand)).toBe(true);
  });
});
