/**
 * The shape every command has: its arguments are parsed first (bad usage exits 2 before the environment is
 * read or a request is sent), then it runs with a client, the settings and the output streams.
 */
import type { MedFilesClient } from '../index.ts';
import type { Settings } from './settings.ts';

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CommandContext {
  client: MedFilesClient;
  settings: Settings;
  /** Results, one JSON line each. */
  stdout: Output;
  /** Errors, notes and the progress bar. */
  stderr: Output;
  /** Aborted on Ctrl-C: uploads stop, their state stays for a rerun. */
  signal: AbortSignal;
}

export interface Command<Args> {
  parse(args: string[]): Args;
  run(args: Args, context: CommandContext): Promise<void>;
}

/** One result as one JSON line. */
export function printJson(out: Output, value: unknown): void {
  out.write(`${JSON.stringify(value)}\n`);
}
