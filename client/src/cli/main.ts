/**
 * The `medfiles` executable (the client package's `bin`, built to dist/cli.js). Ctrl-C aborts what is under way,
 * so an interrupted upload keeps its state for the rerun; a second Ctrl-C exits at once.
 */
import { EXIT_FAILED } from './errors.ts';
import { run } from './run.ts';

const interrupt = new AbortController();
process.once('SIGINT', () => {
  interrupt.abort();
  process.once('SIGINT', () => process.exit(EXIT_FAILED));
});

void run(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr, signal: interrupt.signal }).then((status) => {
  process.exitCode = status;
});
