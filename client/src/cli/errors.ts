/**
 * How a failure ends the CLI: one line on stderr and an exit status. API errors carry the API's code and
 * requestId (what a support request needs; the client reports network failures as `network_error`); bad usage
 * also prints the usage (status 2); everything else that stopped the command (local files, a download that failed
 * its check, Ctrl-C) is status 1: the contract's statuses are 0, 1 and 2 only.
 */
import { MedFilesError } from '../index.ts';
import { USAGE, UsageError } from './usage.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A failure of the CLI's own, with a code in the style of the API's. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The exit status for `error`, after writing its line (and the usage, for bad usage) to `stderr`. */
export function reportError(error: unknown, stderr: { write(text: string): unknown }): number {
  const print = (line: string) => stderr.write(`${line}\n`);
  if (error instanceof UsageError) {
    print(`error: ${error.message}`);
    print(USAGE);
    return EXIT_USAGE;
  }
  if (error instanceof MedFilesError) {
    print(`error: ${error.code}: ${error.message}${error.requestId ? ` (requestId ${error.requestId})` : ''}`);
    for (const detail of error.details) print(`  ${detail.path}: ${detail.message}`);
    return EXIT_FAILED;
  }
  if (error instanceof CliError) {
    print(`error: ${error.code}: ${error.message}`);
    return EXIT_FAILED;
  }
  if (error instanceof Error && error.name === 'AbortError') {
    print('interrupted; run the same command again to continue');
    return EXIT_FAILED;
  }
  // Local file system errors (ENOENT, EACCES, ...).
  const systemCode = (error as { code?: unknown }).code;
  if (typeof systemCode === 'string' && error instanceof Error) {
    print(`error: ${systemCode}: ${error.message.replace(`${systemCode}: `, '')}`);
    return EXIT_FAILED;
  }
  print(`error: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT_FAILED;
}
