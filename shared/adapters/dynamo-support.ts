/**
 * What every DynamoDB adapter needs, written once: SDK failures turned into domain errors, conditional writes whose
 * failed condition is the ports' conflict answer (AlreadyExistsError, VersionConflictError: shared/domain/ports.ts),
 * consistent reads of one item, and Queries read page by page.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { InternalError } from '../domain/errors.ts';
import { AlreadyExistsError, VersionConflictError } from '../domain/ports.ts';

export type Item = Record<string, unknown>;

/** A conditional write whose condition did not hold (not a failure of the database). */
export const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException || (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';

/** Runs a database call; any SDK error becomes an unexposed InternalError naming only `what`. */
export async function guarded<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new InternalError(`${what} failed`, { cause: error });
  }
}

/** One item, read strongly consistent (a read after a write sees it); undefined when the key holds none. */
export async function readItem(db: DynamoDBDocumentClient, table: string, key: Item, what: string): Promise<Item | undefined> {
  const out = await guarded(what, () => db.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true })));
  return out.Item;
}

/**
 * Runs a conditional write (put, update or delete). A condition that does not hold is the port's answer
 * `onConditionFailed()` (returned, or thrown if it throws); any other failure an InternalError naming only `what`.
 */
export async function conditionally<T, F>(what: string, write: () => Promise<T>, onConditionFailed: () => F): Promise<T | F> {
  try {
    return await write();
  } catch (error) {
    if (isConditionFailure(error)) return onConditionFailed();
    throw new InternalError(`${what} failed`, { cause: error });
  }
}

/** A ConditionExpression with its attribute names and values, and the domain error it is when it fails. */
export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Item;
  failed: () => Error;
}

/** The item's key is free: a create, refused with AlreadyExistsError. */
export const NEW_KEY: Condition = { expression: 'attribute_not_exists(pk)', failed: () => new AlreadyExistsError() };

/**
 * The stored item is at `version` (and of `kind`, when given): a replace, refused with VersionConflictError when
 * the item has changed or is gone.
 */
export function atVersion(version: number, kind?: string): Condition {
  const versioned = { expression: '#version = :v', names: { '#version': 'version' }, values: { ':v': version } as Item };
  if (kind === undefined) return { ...versioned, failed: () => new VersionConflictError() };
  return {
    expression: `#kind = :kind AND ${versioned.expression}`,
    names: { '#kind': 'kind', ...versioned.names },
    values: { ':kind': kind, ...versioned.values },
    failed: () => new VersionConflictError(),
  };
}

/** Puts `item` if `condition` holds; throws `condition.failed()` if not. */
export async function conditionalPut(
  db: DynamoDBDocumentClient,
  table: string,
  item: Item,
  condition: Condition,
  what: string,
): Promise<void> {
  await conditionally(
    what,
    () =>
      db.send(
        new PutCommand({
          TableName: table,
          Item: item,
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: condition.names,
          ExpressionAttributeValues: condition.values,
        }),
      ),
    () => {
      throw condition.failed();
    },
  );
}

/** A Query of the table, less what `queryPages` fills in. */
export type PagedQuery = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'>;

export interface QueryPage {
  items: Item[];
  /** Where the next page starts; undefined when the Query has no more. */
  lastKey: Item | undefined;
}

/**
 * A Query read page by page (DynamoDB ends a page at `Limit` items or 1 MB) until it has no more or the caller
 * stops reading. `limit`, when given, is asked before each page, so a caller reads only what it still needs.
 */
export async function* queryPages(
  db: DynamoDBDocumentClient,
  table: string,
  query: PagedQuery,
  what: string,
  limit?: () => number,
): AsyncGenerator<QueryPage> {
  let start: Item | undefined;
  do {
    const page = await guarded(what, () =>
      db.send(new QueryCommand({ TableName: table, ...query, ...(limit ? { Limit: limit() } : {}), ExclusiveStartKey: start })),
    );
    start = page.LastEvaluatedKey;
    yield { items: page.Items ?? [], lastKey: start };
  } while (start);
}
