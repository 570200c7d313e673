/**
 * The CLI as a function of its arguments, environment and streams, returning the exit status: 0 done, 1 an API,
 * network or local failure or an interruption, 2 bad usage. Arguments are checked before the environment, and both
 * before the first request.
 */
import { MedFilesClient } from '../index.ts';
import type { Command, Output } from './command.ts';
import { get } from './commands/get.ts';
import { ls } from './commands/ls.ts';
import { rm } from './commands/rm.ts';
import { upload } from './commands/upload.ts';
import { EXIT_OK, EXIT_USAGE, reportError } from './errors.ts';
import { readSettings } from './settings.ts';
import { USAGE, UsageError } from './usage.ts';

/** Each with its own argument type: `run` only ever gets what its own `parse` returned. */
const COMMANDS: Record<string, Command<any>> = { upload, ls, get, rm };

export interface Io {
  env: Record<string, string | undefined>;
  stdout: Output;
  stderr: Output;
  signal: AbortSignal;
}

export async function run(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(`${USAGE}\n`);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  try {
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name]! : undefined;
    if (command === undefined) throw new UsageError(`unknown command "${name}"`);
    const args = command.parse(rest);
    const settings = readSettings(io.env);
    const client = new MedFilesClient({ baseUrl: settings.baseUrl, token: settings.token });
    await command.run(args, { client, settings, stdout: io.stdout, stderr: io.stderr, signal: io.signal });
    return EXIT_OK;
  } catch (error) {
    return reportError(error, io.stderr);
  }
}
