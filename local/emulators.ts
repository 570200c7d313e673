/** Starts the embedded S3- and DynamoDB-compatible servers, each in a child process (see emulators-process.ts). */
import { spawn } from 'node:child_process';
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

async function startOne(kind: 's3' | 'dynamodb', port: number, options: EmulatorOptions) {
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '--import', 'tsx', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      EMU_KIND: kind,
      EMU_DATA_DIR: options.dataDir ?? '',
      EMU_PORT: String(port),
      EMU_HOST: options.host ?? '127.0.0.1',
    },
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  const name = kind === 's3' ? 'S3' : 'DynamoDB';
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the local ${name} server did not start within 30 s`)), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the local ${name} server exited (code ${code}); is port ${port} in use?`));
    });
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve((JSON.parse(line) as { endpoint: string }).endpoint);
      } catch {
        reject(new Error(`unexpected output from the local ${name} server: ${line.slice(0, 200)}`));
      }
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { endpoint, stop };
}

export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const [s3, dynamodb] = await Promise.allSettled([
    startOne('s3', options.s3Port ?? 0, options),
    startOne('dynamodb', options.dynamodbPort ?? 0, options),
  ]);
  if (s3.status === 'rejected' || dynamodb.status === 'rejected') {
    if (s3.status === 'fulfilled') await s3.value.stop();
    if (dynamodb.status === 'fulfilled') await dynamodb.value.stop();
    throw (s3.status === 'rejected' ? s3.reason : (dynamodb as PromiseRejectedResult).reason) as Error;
  }
  return {
    s3: s3.value.endpoint,
    dynamodb: dynamodb.value.endpoint,
    stop: async () => {
      await Promise.all([s3.value.stop(), dynamodb.value.stop()]);
    },
  };
}
