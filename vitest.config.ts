import { defineConfig } from 'vitest/config';

/**
 * Five suites, one `npm test`:
 * - unit: pure code, no I/O, in parallel;
 * - integration: adapters against real local S3/DynamoDB servers (started by the global setup), serially;
 * - e2e: HTTP against the local runtime started as `npm start` would, serially;
 * - infra: CDK template and cdk-nag assertions;
 * - browser: the web console in real Chromium against the local runtime (console/dist must be built).
 */
/** Handlers run in-process in unit and integration tests: their logs at WARN and no metrics, as under npm start. */
const quiet = { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' };

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Vitest's default is one worker less than the cores: one, on two. Most e2e, integration and browser time is
    // spent waiting on child processes (the runtime, the storage servers, Chromium), so three files at once (one
    // per project at most for those that run serially) keep both cores busy instead of taking turns.
    maxWorkers: 3,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], env: quiet } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          env: quiet,
          globalSetup: ['test/support/emulators-setup.ts'],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/local-api-setup.ts'],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000 } },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
