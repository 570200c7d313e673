/**
 * The DynamoDB helpers every adapter uses (no network: the document client is mocked): a failed condition is the
 * ports' conflict answer, any other failure a plain 500, and a paged Query reads only what its caller still needs.
 */
import { ConditionalCheckFailedException, DynamoDBClient, DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { atVersion, conditionalPut, conditionally, NEW_KEY, queryPages, readItem } from '../../../shared/adapters/dynamo-support.ts';
import { InternalError } from '../../../shared/domain/errors.ts';
import { AlreadyExistsError, VersionConflictError } from '../../../shared/domain/ports.ts';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }));
const mock = mockClient(db);

afterEach(() => mock.reset());

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const throttled = () =>
  new DynamoDBServiceException({ name: 'ProvisionedThroughputExceededException', $fault: 'client', $metadata: {}, message: 'internal table name table-1' });

describe('conditionalPut', () => {
  it('creates only on a free key: a taken one is AlreadyExistsError', async () => {
    mock.on(PutCommand).rejects(conditionFailed());
    await expect(conditionalPut(db, 'table-1', { pk: 'a', sk: 'b' }, NEW_KEY, 'test write')).rejects.toBeInstanceOf(AlreadyExistsError);
    expect(mock.commandCalls(PutCommand)[0]!.args[0].input).toMatchObject({ TableName: 'table-1', ConditionExpression: 'attribute_not_exists(pk)' });
  });

  it('replaces only at the stored version (and kind): a stale one is VersionConflictError', async () => {
    mock.on(PutCommand).rejects(conditionFailed());
    await expect(conditionalPut(db, 'table-1', { pk: 'a' }, atVersion(4), 'test write')).rejects.toBeInstanceOf(VersionConflictError);
    await expect(conditionalPut(db, 'table-1', { pk: 'a' }, atVersion(4, 'webhook'), 'test write')).rejects.toBeInstanceOf(VersionConflictError);
    const [plain, kinded] = mock.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(plain).toMatchObject({ ConditionExpression: '#version = :v', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':v': 4 } });
    expect(kinded).toMatchObject({
      ConditionExpression: '#kind = :kind AND #version = :v',
      ExpressionAttributeNames: { '#kind': 'kind', '#version': 'version' },
      ExpressionAttributeValues: { ':kind': 'webhook', ':v': 4 },
    });
  });

  it('turns any other failure into a plain 500 naming only what failed', async () => {
    mock.on(PutCommand).rejects(throttled());
    const error = await conditionalPut(db, 'table-1', { pk: 'a' }, NEW_KEY, 'test write').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalError);
    expect(error).toMatchObject({ status: 500, expose: false, message: 'test write failed' });
  });
});

describe('conditionally', () => {
  it('answers a failed condition with what the caller says (a value here)', async () => {
    expect(await conditionally('test delete', () => Promise.reject(conditionFailed()), () => false)).toBe(false);
    expect(await conditionally('test delete', async () => true, () => false)).toBe(true);
  });
});

describe('readItem', () => {
  it('is a consistent read of one key; undefined when it holds nothing', async () => {
    mock.on(GetCommand).resolves({});
    expect(await readItem(db, 'table-1', { pk: 'a', sk: 'b' }, 'test read')).toBeUndefined();
    expect(mock.commandCalls(GetCommand)[0]!.args[0].input).toEqual({ TableName: 'table-1', Key: { pk: 'a', sk: 'b' }, ConsistentRead: true });
  });
});

describe('queryPages', () => {
  it('follows LastEvaluatedKey to the end, asking before each page how much is still wanted', async () => {
    mock
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ n: 1 }, { n: 2 }], LastEvaluatedKey: { pk: 'k2' } })
      .resolvesOnce({ Items: [{ n: 3 }], LastEvaluatedKey: { pk: 'k3' } })
      .resolves({ Items: [] });
    const read: unknown[] = [];
    for await (const page of queryPages(db, 'table-1', { KeyConditionExpression: 'pk = :pk' }, 'test query', () => 10 - read.length)) {
      read.push(...page.items);
    }
    expect(read).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    const inputs = mock.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => [i.Limit, i.ExclusiveStartKey])).toEqual([[10, undefined], [8, { pk: 'k2' }], [7, { pk: 'k3' }]]);
    expect(inputs.every((i) => i.TableName === 'table-1')).toBe(true);
  });

  it('reads no further page once the caller stops', async () => {
    mock.on(QueryCommand).resolves({ Items: [{ n: 1 }], LastEvaluatedKey: { pk: 'more' } });
    for await (const page of queryPages(db, 'table-1', { KeyConditionExpression: 'pk = :pk' }, 'test query')) {
      expect(page.lastKey).toEqual({ pk: 'more' });
      break;
    }
    expect(mock.commandCalls(QueryCommand)).toHaveLength(1);
    expect(mock.commandCalls(QueryCommand)[0]!.args[0].input).not.toHaveProperty('Limit');
  });
});
