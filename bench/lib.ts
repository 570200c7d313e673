import { randomBytes } from 'node:crypto';
/** Benchmark helpers: paired medians, the ratio report and a plain HTTP client. */
import { Agent, request } from 'node:http';

/** The median (upper middle for an even count); sorts `times` in place. */
export const median = (times: number[]): number => times.sort((x, y) => x - y)[Math.floor(times.length / 2)]!;

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
    const [x, y] = await inTurn(i, () => timed(a), () => timed(b));
    ta.push(x);
    tb.push(y);
  }
  return [median(ta), median(tb)];
}

/** Runs `a` then `b` in even turns, `b` then `a` in odd ones; their results in the order [a, b]. */
export async function inTurn<A, B>(turn: number, a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]> {
  if (turn % 2 === 0) {
    const x = await a();
    return [x, await b()];
  }
  const y = await b();
  return [await a(), y];
}

export interface Row {
  name: string;
  ms: number;
  baselineName: string;
  baselineMs: number;
  /** The ratio ms / baselineMs must be at most this. */
  target: number;
}

/** Prints one line per figure with its ratio; true when every ratio is within its target. */
export function report(rows: Row[]): boolean {
  let ok = true;
  for (const r of rows) {
    const ratio = r.ms / r.baselineMs;
    const pass = ratio <= r.target;
    ok &&= pass;
    process.stdout.write(
      `${pass ? 'PASS' : 'MISS'}  ${r.name}: ${r.ms.toFixed(2)} ms vs ${r.baselineName}: ${r.baselineMs.toFixed(2)} ms ` +
        `→ ${ratio.toFixed(2)}× (target ≤ ${r.target}×)\n`,
    );
  }
  return ok;
}

/** Milliseconds `fn` takes. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
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

/** A PDF-looking file of `size` random bytes: the API sniffs a PDF, storage gets bytes that do not compress. */
export function pdf(size: number): Buffer {
  return Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size - 9)]);
}
