/** What every DynamoDB adapter needs: SDK failures turned into domain errors, and conditional-write failures told apart. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { InternalError } from '../domain/errors.ts';

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
