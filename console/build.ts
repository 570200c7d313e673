/**
 * `npm run console:build`: the console as three static files in console/dist (index.html, app.js, app.css),
 * minified, served under /console/ by the local runtime and by the CDK hosting. The app's type check (DOM
 * types, JSX) runs alongside esbuild and fails the build, as the client's does. Prints the sizes: the budget
 * for the three together is 350 KB before compression (test/browser checks it too).
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const dist = here('./dist');
const require = createRequire(import.meta.url);

const typeCheck = new Promise<void>((resolve, reject) => {
  const tsc = spawn(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', here('./tsconfig.json')], { stdio: 'inherit' });
  tsc.on('error', reject);
  tsc.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`the console's type check failed (tsc exit ${code})`))));
});

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await Promise.all([
  build({
    // main.tsx imports app.css: esbuild writes it beside app.js as app.css.
    entryPoints: { app: here('./src/main.tsx') },
    outdir: dist,
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    // `@medfiles/client` has a `browser` export: one self-contained file, no Node built-ins.
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'warning',
  }),
  copyFile(here('./index.html'), `${dist}/index.html`),
  typeCheck,
]);
const sizes = await Promise.all(['index.html', 'app.js', 'app.css'].map(async (name) => [name, (await stat(`${dist}/${name}`)).size] as const));
const total = sizes.reduce((sum, [, size]) => sum + size, 0);
process.stdout.write(`console/dist: ${sizes.map(([n, s]) => `${n} ${(s / 1024).toFixed(1)} KB`).join(', ')}; total ${(total / 1024).toFixed(1)} KB\n`);
