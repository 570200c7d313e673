/**
 * Observability on its own (shared/observability, shared/adapters/reporters.ts): what the logger prints is its allow-list
 * and the invocation's keys, whatever it is given; each invocation's lines name that invocation even when
 * invocations interleave; a failure is logged by class and thrown on; counted metrics go out once per invocation.
 * Output is read where Powertools writes it: process.stdout and process.stderr.
 */
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Powertools reads its settings when the logger and the metrics are made: these, whatever the environment says.
vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
const { observed } = await import('../../../shared/observability/invocation.ts');
const { logger } = await import('../../../shared/observability/logger.ts');
const { countThumbnail, countUploads, countWebhookRun } = await import('../../../shared/observability/metrics.ts');
const { reportError } = await import('../../../shared/adapters/reporters.ts');

let lines: Record<string, unknown>[];

beforeEach(() => {
  lines = [];
  const capture = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(() => vi.restoreAllMocks());

const context = (awsRequestId: string): Context => ({ functionName: 'medfiles-test', awsRequestId }) as Context;
const tick = () => new Promise((r) => setTimeout(r, 1));

describe('the logger', () => {
  it('keeps allow-listed fields and drops everything else, however it is given', () => {
    const error = Object.assign(new TypeError('cannot read "Jane Doe.pdf"'), { fileName: 'Jane Doe.pdf' });
    logger.info('uploaded', {
      fileId: 'f-1',
      status: 201,
      types: ['file.created'],
      originalName: 'Jane Doe.pdf',
      description: 'rash',
      headers: { authorization: 'Bearer eyJ' },
      error,
    });
    logger.warn('nested', { eventId: { nested: 'Jane' } });
    logger.warn('error', error);
    logger.warn('string', 'a bare string');
    const [info, ...warnings] = lines;
    expect(info).toEqual({
      level: 'INFO',
      message: 'uploaded',
      timestamp: expect.any(String),
      service: 'medfiles',
      fileId: 'f-1',
      status: 201,
      types: ['file.created'],
      error: 'TypeError',
    });
    const warning = { level: 'WARN', timestamp: expect.any(String), service: 'medfiles' };
    expect(warnings).toEqual([
      { ...warning, message: 'nested' },
      { ...warning, message: 'error', error: 'TypeError' },
      { ...warning, message: 'string' },
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/Jane|rash|eyJ|bare string/);
  });

  it("reports the domain's failures by class and ids", () => {
    reportError('event publish failed', new Error('ddb said: Jane Doe'), { types: ['file.created'], ownerName: 'Jane' });
    expect(lines).toEqual([expect.objectContaining({ level: 'ERROR', message: 'event publish failed', types: ['file.created'], error: 'Error' })]);
    expect(JSON.stringify(lines)).not.toContain('Jane');
  });
});

describe('an observed invocation', () => {
  it('puts its keys on every line written while it runs, even when invocations interleave', async () => {
    const handler = observed('list-files', async (id: string) => {
      await tick();
      logger.info('working', { fileId: id });
      return id;
    });
    await Promise.all([handler('a', context('req-a')), handler('b', context('req-b')), handler('c', context('req-c'))]);
    expect(lines.map((l) => [l.fileId, l.function_request_id, l.function, l.function_name]).sort()).toEqual([
      ['a', 'req-a', 'list-files', 'medfiles-test'],
      ['b', 'req-b', 'list-files', 'medfiles-test'],
      ['c', 'req-c', 'list-files', 'medfiles-test'],
    ]);
    // The first invocation of the module was its cold start.
    expect(lines.find((l) => l.function_request_id === 'req-a')?.cold_start).toBe(true);
    expect(lines.filter((l) => l.cold_start === true)).toHaveLength(1);
  });

  it('takes the function and request id from the event when told how', async () => {
    const handler = observed((event: { route: string }) => ({ function: event.route, requestId: 'api-1' }), async () => logger.info('hi'));
    await handler({ route: 'get-file' }, context('req-1'));
    expect(lines[0]).toMatchObject({ function: 'get-file', requestId: 'api-1', function_request_id: 'req-1', cold_start: true });
  });

  it('logs a failure by its class and throws it on', async () => {
    const failure = new RangeError('bad value for patient Jane');
    const handler = observed('deliver-webhooks', async () => {
      throw failure;
    });
    await expect(handler({}, context('req-f'))).rejects.toBe(failure);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'ERROR', message: 'invocation failed', function: 'deliver-webhooks', error: 'RangeError' }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('Jane');
  });

  it('flushes what it counted as one EMF line, by function; nothing when it counted nothing', async () => {
    await observed('get-file', async () => undefined)({}, context('req-0'));
    expect(lines).toEqual([]);
    await observed('create-files', async () => {
      countUploads([{ size: 100 }, { size: 23 }]);
      countThumbnail('hit');
      countWebhookRun({ attempted: 2, succeeded: 1, retrying: 1, failed: 0, created: 2, deferred: 0, errors: 0 });
    })({}, context('req-1'));
    expect(lines).toHaveLength(1);
    const [emf] = lines as [{ _aws: { CloudWatchMetrics: unknown[] } } & Record<string, unknown>];
    expect(emf._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'MedFiles',
        Dimensions: [['service', 'function']],
        Metrics: ['Uploads', 'UploadedBytes', 'ThumbnailsCached', 'WebhookAttempts', 'WebhookRetries'].map((Name) => ({
          Name,
          Unit: Name === 'UploadedBytes' ? 'Bytes' : 'Count',
        })),
      },
    ]);
    expect(emf).toMatchObject({ service: 'medfiles', function: 'create-files', Uploads: 2, UploadedBytes: 123, ThumbnailsCached: 1, WebhookAttempts: 2, WebhookRetries: 1 });
  });
});
