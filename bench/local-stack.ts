/**
 * The system under test, started the way the acceptance run starts it: both storage servers in one process
 * (storage-servers.ts), then `npm start` — the real local runtime — pointed at them through
 * AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_DYNAMODB, so the benchmark can make the bare storage calls on the very
 * servers the API uses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const STARTUP_MS = 60_000;

export interface StorageServers {
  s3: string;
  dynamodb: string;
  stop(): Promise<void>;
}

export interface LocalApi {
  url: string;
  /** The HS256 secret the runtime generated in its data dir (secrets.json): tokens for any tenant. */
  jwtSecret: string;
  stop(): Promise<void>;
}

/** Credentials s3rver accepts; dynalite accepts any. */
export const STORAGE_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export async function startStorageServers(): Promise<StorageServers> {
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '--import', 'tsx', join(REPO_ROOT, 'bench/storage-servers.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await firstLine(child, 'the storage servers', () => true);
  const endpoints = JSON.parse(line) as { s3: string; dynamodb: string };
  return { ...endpoints, stop: () => stopChild(child, () => child.stdin!.end()) };
}

/**
 * `npm start` in its own process group (npm → tsx → node), with a fresh data dir and PORT=0. `env` adds to this
 * process's environment. Resolves once the runtime prints its URL.
 */
export async function startApi(storage: StorageServers, env: Record<string, string>): Promise<LocalApi> {
  const dataDir = mkdtempSync(join(tmpdir(), 'medfiles-bench-data-'));
  const child = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      PORT: '0',
      MEDFILES_DATA_DIR: dataDir,
      AWS_ENDPOINT_URL_S3: storage.s3,
      AWS_ENDPOINT_URL_DYNAMODB: storage.dynamodb,
      MEDFILES_S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: STORAGE_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: STORAGE_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      ...env,
    },
  });
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  // Whatever way the benchmark ends, the runtime's process group ends with it.
  process.once('exit', killGroup);
  const line = await firstLine(child, '`npm start`', (l) => /listening on \S+/.test(l)).catch((error: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  const { jwtSecret } = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as { jwtSecret: string };
  return {
    url: /listening on (\S+)/.exec(line)![1]!,
    jwtSecret,
    stop: async () => {
      await stopChild(child, killGroup);
      process.removeListener('exit', killGroup);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The first stdout line that `matches`; the rest of stdout (the runtime's request log) is drained. */
function firstLine(child: ChildProcess, name: string, matches: (line: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${STARTUP_MS / 1000} s`)), STARTUP_MS);
    const onExit = (code: number | null) => reject(new Error(`${name} exited (code ${code}) before it was ready`));
    child.once('exit', onExit);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!matches(line)) return;
      clearTimeout(timer);
      child.removeListener('exit', onExit);
      resolve(line);
    });
  });
}

function stopChild(child: ChildProcess, signal: () => void): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    signal();
  });
}
