/**
 * Global setup of the browser project: the local runtime as `npm start` runs it (on a port chosen here, so the
 * bucket's CORS rule names the console's origin, as it does for :3000) with a fresh data dir, and one Chromium
 * shared by every test file (a browser server; each file connects and opens its own context).
 *
 * Chromium comes from @sparticuz/chromium (unpacked to /tmp on first use, about 3 s), or from
 * MEDFILES_CHROME, the path of a locally installed Chrome or Chromium.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { startRuntime } from '../../support/e2e-runtime.ts';
import { freePort } from '../../support/free-port.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The runtime's URL, e.g. `http://127.0.0.1:41234`; the console is at `${url}/console/`. */
    browserBaseUrl: string;
    /** The HS256 secret the runtime verifies tokens with. */
    browserJwtSecret: string;
    /** Where test files connect to the shared Chromium. */
    browserWsEndpoint: string;
  }
}

/**
 * The package's own `args` are for Lambda: `--single-process` (closing one context kills the browser) and
 * `--disable-web-security` (no CORS, which the direct uploads must pass as in any browser). Chromium needs only
 * `--no-sandbox` when it runs as root.
 */
async function chromiumExecutable(): Promise<{ executablePath: string; args: string[] }> {
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  if (process.env.MEDFILES_CHROME) return { executablePath: process.env.MEDFILES_CHROME, args };
  const { default: packaged } = await import('@sparticuz/chromium');
  return { executablePath: await packaged.executablePath(), args };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const workDir = await mkdtemp(join(tmpdir(), 'medfiles-browser-'));
  const jwtSecret = randomBytes(36).toString('base64url');
  const [runtime, browser] = await Promise.all([
    freePort().then((port) => startRuntime({ port: String(port), dataDir: join(workDir, 'data'), jwtSecret, logFile: join(workDir, 'runtime.log') })),
    chromiumExecutable().then(({ executablePath, args }) => chromium.launchServer({ executablePath, args, headless: true })),
  ]);
  project.provide('browserBaseUrl', runtime.url);
  project.provide('browserJwtSecret', jwtSecret);
  project.provide('browserWsEndpoint', browser.wsEndpoint());
  return async () => {
    await Promise.all([browser.close(), runtime.stop()]);
    await rm(workDir, { recursive: true, force: true });
  };
}
