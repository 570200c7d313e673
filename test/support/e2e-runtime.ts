/**
 * Starting and stopping the local runtime as `npm start` does (`tsx local/start.ts`) in a child process, for
 * the e2e global setup and for the tests of the runtime itself. Its output is kept (bounded) in memory and
 * appended to a log file, never printed unless asked.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const MAX_BUFFERED_LINES = 400;

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const tsxCli = join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');

export interface RuntimeOptions {
  /** PORT; default 0 (any free port). */
  port?: string;
  dataDir: string;
  /** MEDFILES_JWT_SECRET; omitted, the runtime generates one and keeps it in the data dir. */
  jwtSecret?: string;
  /** Every line of output is appended here too. */
  logFile?: string;
  /** More environment variables, e.g. AWS_ENDPOINT_URL_S3 or MEDFILES_PUBLIC_URL. */
  env?: Record<string, string>;
}

export interface Runtime {
  child: ChildProcess;
  url: string;
  /** Resolves with the exit code once the process has exited and its output is read. */
  exited: Promise<number | null>;
  /** The last lines of output, `[stdout] ...` / `[stderr] ...`. */
  output: string[];
  stop(): Promise<void>;
}

/**
 * The developer's environment, minus what would point the runtime elsewhere (external S3/DynamoDB, a public
 * URL for links, other token settings), plus `settings`.
 */
function runtimeEnv(settings: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('MEDFILES_') || name.startsWith('AWS_') || name === 'PORT') delete env[name];
  }
  for (const [k, v] of Object.entries(settings)) if (v !== undefined) env[k] = v;
  return env;
}

/** Starts the runtime and resolves once it prints `listening on <url>`; rejects with its output otherwise. */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const output: string[] = [];
  const remember = (line: string) => {
    output.push(line);
    if (output.length > MAX_BUFFERED_LINES) output.splice(0, output.length - MAX_BUFFERED_LINES);
    if (options.logFile) appendFileSync(options.logFile, `${line}\n`);
  };
  const child = spawn(process.execPath, [tsxCli, 'local/start.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: runtimeEnv({
      PORT: options.port ?? '0',
      MEDFILES_S3_PORT: '0',
      MEDFILES_DYNAMODB_PORT: '0',
      MEDFILES_DATA_DIR: options.dataDir,
      MEDFILES_JWT_SECRET: options.jwtSecret,
      ...options.env,
    }),
  });
  // 'close' (not 'exit'): by then all of the output, e.g. a crash's stack trace, has been read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return void (await exited);
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
    });
    const result = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      child.kill('SIGKILL');
      await exited;
    }
  };

  const url = await new Promise<string>((resolve, reject) => {
    const partial = { stdout: '', stderr: '' };
    const fail = (reason: string) => {
      clearTimeout(timer);
      reject(new Error(`The local runtime did not start: ${reason}\n--- its output ---\n${output.join('\n')}`));
    };
    const timer = setTimeout(() => fail(`no "listening on" line within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const lines = (partial[stream] + chunk.toString('utf8')).split('\n');
      partial[stream] = lines.pop() ?? '';
      for (const line of lines) {
        remember(`[${stream}] ${line}`);
        const match = /listening on (http:\/\/\S+)/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!.replace(/\/+$/, ''));
        }
      }
    };
    // Keep draining both pipes for the whole run: a full pipe would block the runtime.
    child.stdout!.on('data', onData('stdout'));
    child.stderr!.on('data', onData('stderr'));
    child.once('error', (error) => fail(error.message));
    void exited.then((code) => fail(`it exited with code ${code}`));
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });

  return { child, url, exited, output, stop };
}
