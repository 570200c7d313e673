/** Starts the embedded S3- and DynamoDB-compatible servers in a child process (see emulators-process.ts). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface Emulators {
  s3: string;
  dynamodb: string;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  /** Persist data here; omit for throwaway data (tests). */
  dataDir?: string;
  s3Port?: number;
  dynamodbPort?: number;
  /** Listen address; default 127.0.0.1. */
  host?: string;
}

const script = fileURLToPath(new URL('./emulators-process.ts', import.meta.url));

export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--openssl-legacy-provider', '--import', 'tsx', script],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: {
        ...process.env,
        EMU_DATA_DIR: options.dataDir ?? '',
        EMU_S3_PORT: String(options.s3Port ?? 0),
        EMU_DYNAMODB_PORT: String(options.dynamodbPort ?? 0),
        EMU_HOST: options.host ?? '127.0.0.1',
      },
    },
  );
  const endpoints = await new Promise<{ s3: string; dynamodb: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the local S3/DynamoDB servers did not start within 30 s')), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the local S3/DynamoDB servers exited (code ${code}); is a port in use?`));
    });
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`unexpected output from the local servers: ${line.slice(0, 200)}`));
      }
    });
  });
  return {
    ...endpoints,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
