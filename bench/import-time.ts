/**
 * What a Lambda cold start pays for module load: `await import(bundle)` in a fresh Node 24 process (the
 * runtime's major), timed inside that process, with the function's environment only.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Runs in the fresh process: times the import of the module named by its first argument. */
const TIMER =
  'const t = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t));';

export type ImportTime = { ms: number } | { error: string };

/**
 * Milliseconds to import `bundle` with exactly `environment` (nothing inherited: no credentials, no
 * NODE_OPTIONS but the function's own), from the bundle's directory as Lambda's /var/task. No network is
 * needed; a module that waits on one fails by the timeout.
 */
export function importTime(repoRoot: string, bundle: string, environment: Record<string, string>): ImportTime {
  const run = spawnSync(
    join(repoRoot, 'node_modules/.bin/node'),
    ['--input-type=module', '-e', TIMER, pathToFileURL(bundle).href],
    { cwd: dirname(bundle), env: environment, encoding: 'utf8', timeout: 30_000 },
  );
  const ms = Number(run.stdout);
  if (run.status === 0 && Number.isFinite(ms)) return { ms };
  return { error: `${run.signal ? `killed by ${run.signal}` : `exit ${run.status}`}: ${reason(run.stderr)}` };
}

/**
 * The line of a failed import's stderr that says what went wrong: one naming a MEDFILES_ variable (a
 * configuration error), else the error's class and message; not Node's echo of the minified source line.
 */
function reason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && line.length < 400 && !line.startsWith('file://') && !line.startsWith('at ') && !/^\^+$/.test(line));
  const line =
    lines.find((l) => l.includes('MEDFILES_')) ?? lines.find((l) => /^\S*\s?\[?[\w$]*(Error|Exception)\]?: /.test(l)) ?? lines[0] ?? '';
  return line.slice(0, 160);
}
