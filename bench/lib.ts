/** Benchmark helpers: paired medians, a plain HTTP client, and the local API started as `npm start` would. */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';

/**
 * Medians of `a` and `b`, measured alternately (a, b, a, b, …) after a warm-up, so that drift in the
 * machine's load hits both sides alike.
 */
export async function paired(
  runs: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  warmup = 5,
): Promise<[number, number]> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    for (const [fn, times] of i % 2 ? ([[b, tb], [a, ta]] as const) : ([[a, ta], [b, tb]] as const)) {
      const start = performance.now();
      await fn();
      times.push(performance.now() - start);
    }
  }
  const median = (t: number[]) => t.sort((x, y) => x - y)[Math.floor(t.length / 2)]!;
  return [median(ta), median(tb)];
}

export interface Row {
  name: string;
  ms: number;
  baselineName: string;
  baselineMs: number;
  /** The ratio must be at most this (or, with `atLeast`, the speed-up at least this). */
  target: number;
  atLeast?: boolean;
}

export function report(rows: Row[]): boolean {
  let ok = true;
  for (const r of rows) {
    const ratio = r.ms / r.baselineMs;
    const shown = r.atLeast ? r.baselineMs / r.ms : ratio;
    const pass = r.atLeast ? shown >= r.target : shown <= r.target;
    ok &&= pass;
    const rel = r.atLeast ? `${shown.toFixed(1)}× faster (target ≥ ${r.target}×)` : `${ratio.toFixed(2)}× (target ≤ ${r.target}×)`;
    process.stdout.write(
      `${pass ? 'PASS' : 'MISS'}  ${r.name}: ${r.ms.toFixed(2)} ms vs ${r.baselineName}: ${r.baselineMs.toFixed(2)} ms → ${rel}\n`,
    );
  }
  return ok;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/**
 * One plain HTTP exchange on a keep-alive connection. The benchmarks use this (node:http, as the AWS SDK
 * does) for the API so that both sides of a ratio pay the same client costs.
 */
export function http(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface LocalApi {
  url: string;
  s3: string;
  dynamodb: string;
  stop(): Promise<void>;
}

/** Starts the local runtime in its own process, exactly as `npm start` does, on free ports. */
export async function startLocalApi(env: Record<string, string>): Promise<LocalApi> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: { ...process.env, PORT: '0', MEDFILES_S3_PORT: '0', MEDFILES_DYNAMODB_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const found: Partial<LocalApi> = {};
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}`)));
    lines.on('line', (line) => {
      const url = /listening on (\S+)/.exec(line);
      if (url) found.url = url[1];
      const storage = /S3 (\S+), DynamoDB (\S+)/.exec(line);
      if (storage) [found.s3, found.dynamodb] = [storage[1]!.replace(/,$/, ''), storage[2]!];
      if (found.url && found.s3 && found.dynamodb) resolve();
    });
  });
  lines.removeAllListeners('line');
  lines.on('line', () => undefined); // keep draining the request log
  return {
    ...(found as LocalApi),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
