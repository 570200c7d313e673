/**
 * What the CLI accepts, and the error that means "not like that": printed with the usage and exit status 2,
 * before any request is sent.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export const USAGE = `usage: medfiles <command> [options]
  medfiles upload <path>... [--owner ID] [--category C] [--record-type T] [--description D] [--expires SECONDS] [--request ID]
  medfiles ls [--owner ID] [--category C] [--state S] [--limit N]
  medfiles get <id> [-o PATH] [--force]
  medfiles rm <id> [--permanent]
environment: MEDFILES_URL (required), MEDFILES_TOKEN, MEDFILES_STATE_DIR (default ~/.medfiles)`;

/** Bad usage: unknown command or option, missing argument, a malformed number or setting. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** `parseArgs` in strict mode, its errors (unknown option, missing value) turned into a UsageError. */
export function parseCommandArgs<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(error.message);
    }
    throw error;
  }
}

/** A whole number from 1 up, or a UsageError naming the option. */
export function positiveInteger(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${option} must be a whole number from 1 up`);
  return n;
}

/** Exactly one positional argument (an id), or a UsageError. */
export function oneId(command: string, positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one file id`);
  return positionals[0]!;
}
