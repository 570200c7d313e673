/**
 * Global setup of the e2e project: starts the local runtime exactly as `npm start` does (tsx local/start.ts)
 * in a child process on free ports with a fresh data dir and a random JWT secret, waits for its
 * `listening on` line, and provides the base URL and the secret to the tests (`inject`).
 *
 * The child's output (one log line per request) is not printed: it is kept in a bounded buffer and in a log
 * file the tests may read (`e2eRuntimeLog`), and printed only when the runtime fails to start or dies.
 *
 * If the runtime dies during the run (a product bug: no request may kill it), its output is printed, it is
 * started again on the same port with the same data dir (so later tests still run against the same data),
 * and the teardown fails the run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startRuntime, type Runtime } from './e2e-runtime.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** e.g. `http://127.0.0.1:41234`, no trailing slash. */
    e2eBaseUrl: string;
    /** The HS256 secret the runtime verifies tokens with. */
    e2eJwtSecret: string;
    /** MEDFILES_DATA_DIR of the runtime. */
    e2eDataDir: string;
    /** Every line the runtime printed, `[stdout] ...` / `[stderr] ...`. */
    e2eRuntimeLog: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const workDir = await mkdtemp(join(tmpdir(), 'medfiles-e2e-'));
  const dataDir = join(workDir, 'data');
  const logFile = join(workDir, 'runtime.log');
  // 48 URL-safe characters.
  const jwtSecret = randomBytes(36).toString('base64url');

  let stopping = false;
  let crashes = 0;
  let current: Runtime;

  const watch = (runtime: Runtime) => {
    void runtime.exited.then((code) => {
      if (stopping || current !== runtime) return;
      crashes++;
      process.stderr.write(`\nThe local runtime died during the e2e run (exit code ${code}). Its last output:\n${runtime.output.join('\n')}\n`);
      const port = new URL(runtime.url).port;
      startRuntime({ port, dataDir, jwtSecret, logFile }).then(
        async (next) => {
          if (stopping) return next.stop();
          current = next;
          watch(next);
          process.stderr.write(`The local runtime was restarted on port ${port}; the run will fail at teardown.\n`);
        },
        (error: unknown) => process.stderr.write(`The local runtime could not be restarted: ${(error as Error).message}\n`),
      );
    });
  };

  try {
    current = await startRuntime({ dataDir, jwtSecret, logFile });
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
  watch(current);

  project.provide('e2eBaseUrl', current.url);
  project.provide('e2eJwtSecret', jwtSecret);
  project.provide('e2eDataDir', dataDir);
  project.provide('e2eRuntimeLog', logFile);

  return async () => {
    stopping = true;
    await current.stop();
    await rm(workDir, { recursive: true, force: true });
    if (crashes > 0) {
      throw new Error(`The local runtime crashed ${crashes} time(s) during the e2e run (see its output above): a request must never kill it.`);
    }
  };
}
