/**
 * `npm run bench:cold`: what each Lambda function of the stack pays at cold start for loading its code, next to
 * its floor (cold-floor.ts) built in the same run. Synthesizes the stack (cdk synth, with bundling), then for
 * every function prints its bundle size and the median time of `await import(bundle)` over BENCH_COLD_RUNS
 * (default 5) fresh Node 24 processes, alternating with its floor's. A report, not a test: it exits 0 whatever
 * the figures (1 only when there is nothing to measure).
 *
 * Targets (issue 7): each function imports in ≤ 1.3× its floor's time and is at most 250 KB larger; a function
 * that needs no AWS client (health, openapi) is ≤ 150 KB and imports in ≤ 40 ms.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFloor, clientsFor, floorName } from './cold-floor.ts';
import { REGION, stackFunctions, synthesize, type StackFunction } from './cold-stack.ts';
import { importTime } from './import-time.ts';
import { inTurn, median } from './lib.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5);
/** Sizes in kB of 1,000 bytes. */
const KB = 1000;
const TARGET = { ratio: 1.3, extraKb: 250, leanKb: 150, leanMs: 40 };

const out = (line: string) => process.stdout.write(`${line}\n`);
const work = mkdtempSync(join(tmpdir(), 'medfiles-cold-'));
try {
  out('synthesizing the stack (cdk synth with bundling)…');
  const outdir = join(work, 'cdk.out');
  const { template, warning } = synthesize(REPO_ROOT, outdir);
  if (warning) out(`${warning}\nmeasuring the bundles it wrote anyway`);
  const { functions, unmatched } = stackFunctions(template, outdir);
  if (functions.length === 0) throw new Error('no Lambda function of the route, worker or event tables in the template');
  if (unmatched.length > 0) out(`not measured (no table entry or no bundle): ${unmatched.join(', ')}`);

  const floors = new Map<string, string>();
  for (const fn of functions) {
    const clients = clientsFor(fn.def);
    const name = floorName(clients);
    if (!floors.has(name)) floors.set(name, await buildFloor(clients, REPO_ROOT, join(work, 'floors')));
  }

  out(`import time: median of ${RUNS} fresh Node 24 processes each, alternating with the floor; sizes in kB of 1,000 bytes`);
  const columns = ['function', 'floor clients', 'bundle', 'map', 'floor', 'delta', 'import ms', 'floor ms', 'ratio', ''];
  const widths = [
    Math.max(columns[0]!.length, ...functions.map((fn) => label(fn).length)),
    Math.max(columns[1]!.length, ...[...floors.keys()].map((name) => name.length)),
    ...columns.slice(2).map((c) => Math.max(c.length, 6)),
  ];
  const row = (cells: string[]) => out(cells.map((c, i) => (i < 2 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ').trimEnd());
  row(columns);
  let met = 0;
  for (const fn of functions) {
    const floorClients = floorName(clientsFor(fn.def));
    const result = await measure(fn, floors.get(floorClients)!);
    const map = `${fn.bundle}.map`;
    const sizes = {
      bundle: statSync(fn.bundle).size / KB,
      map: existsSync(map) ? (statSync(map).size / KB).toFixed(0) : '-',
      floor: statSync(floors.get(floorClients)!).size / KB,
    };
    const delta = sizes.bundle - sizes.floor;
    const lean = fn.def.grants.length === 0 && (fn.def.invokes ?? []).length === 0;
    const misses: string[] = [];
    if ('error' in result) misses.push(`import failed (${result.error})`);
    else if (lean) {
      if (sizes.bundle > TARGET.leanKb) misses.push(`> ${TARGET.leanKb} kB`);
      if (result.ms > TARGET.leanMs) misses.push(`> ${TARGET.leanMs} ms`);
    } else {
      if (result.ms / result.floorMs > TARGET.ratio) misses.push(`> ${TARGET.ratio}× floor`);
      if (delta > TARGET.extraKb) misses.push(`> floor + ${TARGET.extraKb} kB`);
    }
    if (misses.length === 0) met++;
    const ms = 'error' in result ? undefined : result;
    row([
      label(fn),
      floorClients,
      sizes.bundle.toFixed(0),
      sizes.map,
      sizes.floor.toFixed(0),
      delta.toFixed(0),
      ms ? ms.ms.toFixed(1) : '-',
      ms ? ms.floorMs.toFixed(1) : '-',
      ms ? `${(ms.ms / ms.floorMs).toFixed(2)}×` : '-',
      misses.length === 0 ? 'PASS' : `MISS ${misses.join(', ')}`,
    ]);
  }
  out(
    `${met} of ${functions.length} functions meet the targets (≤ ${TARGET.ratio}× floor time and ≤ floor + ${TARGET.extraKb} kB; ` +
      `no AWS client: ≤ ${TARGET.leanKb} kB and ≤ ${TARGET.leanMs} ms)`,
  );
} catch (error) {
  process.stderr.write(`bench:cold could not measure: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** The function's table entry name; workers and consumers say what they are. */
function label(fn: StackFunction): string {
  return fn.kind === 'route' ? fn.def.name : `${fn.def.name} (${fn.kind})`;
}

/** Median import times of the function's bundle and of its floor, each in fresh processes, in alternation. */
async function measure(fn: StackFunction, floor: string): Promise<{ ms: number; floorMs: number } | { error: string }> {
  const environment = { ...fn.environment, AWS_REGION: REGION };
  const times: number[] = [];
  const floorTimes: number[] = [];
  // One untimed round first: the files come from disk once, as they would into a warm page cache.
  for (let i = -1; i < RUNS; i++) {
    const [own, base] = await inTurn(
      Math.max(i, 0),
      async () => importTime(REPO_ROOT, fn.bundle, environment),
      async () => importTime(REPO_ROOT, floor, environment),
    );
    if ('error' in own) return own;
    if ('error' in base) return { error: `floor: ${base.error}` };
    if (i < 0) continue;
    times.push(own.ms);
    floorTimes.push(base.ms);
  }
  return { ms: median(times), floorMs: median(floorTimes) };
}
