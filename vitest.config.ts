import { defineConfig } from 'vitest/config';

/**
 * Four suites, one `npm test`:
 * - unit: pure code, no I/O, in parallel;
 * - integration: adapters against real local S3/DynamoDB servers (started by the global setup), serially;
 * - e2e: HTTP against the local runtime started as `npm start` would, serially;
 * - infra: CDK template and cdk-nag assertions.
 */
/** Handlers run in-process in unit and integration tests: their logs at WARN and no metrics, as under npm start. */
const quiet = { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' };

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
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
    ],
  },
});
