/**
 * The archiver against the real local S3 server: a stream batch of the audit table, in the shape Lambda delivers
 * it, becomes one NDJSON object holding exactly the batch's changes, a line each; a record written over or removed
 * is archived as it was, and raises an ERROR line (ids only) and the AuditTampering metric. (s3rver has no Object
 * Lock: the lock itself is asserted on the template, test/infra/audit.test.ts; here, that the put carries what S3
 * requires and stores the bytes as sent.) Log lines and metrics are read where Powertools writes them.
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureBucket } from '../../local/bootstrap.ts';
import { toAuditItem } from '../../shared/adapters/audit-items.ts';
import type { AuditRecord } from '../../shared/domain/audit/records.ts';
import { makeIntegrationClients, type IntegrationClients } from '../support/integration-clients.ts';

const ARCHIVE_BUCKET = 'medfiles-integration-audit-archive';

let clients: IntegrationClients;
let handler: (event: DynamoDBStreamEvent, context: Context) => Promise<void>;
let output: Record<string, any>[];

// Powertools reads these when the logger and the metrics are made (at the handler's import).
vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');

beforeAll(async () => {
  clients = makeIntegrationClients();
  await ensureBucket(clients.s3, ARCHIVE_BUCKET);
  Object.assign(process.env, { MEDFILES_AUDIT_ARCHIVE_BUCKET: ARCHIVE_BUCKET, MEDFILES_S3_FORCE_PATH_STYLE: 'true' });
  ({ handler } = await import('../../functions/archive-audit-events.ts'));
});
afterAll(() => clients.destroy());

beforeEach(() => {
  output = [];
  const capture = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) output.push(JSON.parse(line) as Record<string, any>);
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(() => vi.restoreAllMocks());

const errorLines = () => output.filter((line) => line.level === 'ERROR');
/** The AuditTampering values of the invocation's EMF lines. */
const tamperingCounts = () =>
  output
    .filter((line) => line._aws?.CloudWatchMetrics?.some((m: any) => m.Metrics.some((metric: any) => metric.Name === 'AuditTampering')))
    .map((line) => line.AuditTampering as number);

function auditRecord(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id: uuidv7(),
    at: '2026-11-22T10:00:00.000Z',
    tenantId: 'clinic-a',
    actor: { id: 'provider-7', role: 'provider' },
    action: 'read',
    fileId: uuidv7(),
    outcome: 'success',
    via: 'token',
    requestId: 'req-1',
    sourceIp: '203.0.113.9',
    userAgent: 'integration-test',
    ...overrides,
  };
}

const image = (record: AuditRecord) => marshall(toAuditItem(record), { removeUndefinedValues: true }) as never;

/** A stream record as Lambda delivers it from a NEW_AND_OLD_IMAGES stream. */
function streamRecord(
  sequence: number,
  change: { newRecord?: AuditRecord; oldRecord?: AuditRecord },
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = change.newRecord ? (change.oldRecord ? 'MODIFY' : 'INSERT') : 'REMOVE',
): DynamoDBRecord {
  return {
    eventID: `event-${sequence}`,
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: String(sequence),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
      ...(change.newRecord ? { NewImage: image(change.newRecord) } : {}),
      ...(change.oldRecord ? { OldImage: image(change.oldRecord) } : {}),
    },
  };
}

async function archivedLines(key: string): Promise<unknown[]> {
  const object = await clients.s3.send(new GetObjectCommand({ Bucket: ARCHIVE_BUCKET, Key: key }));
  expect(object.ContentType).toBe('application/x-ndjson');
  const body = await object.Body!.transformToString();
  expect(body.endsWith('\n')).toBe(true);
  return body.trimEnd().split('\n').map((line) => JSON.parse(line));
}

async function archivedKeys(): Promise<string[]> {
  const out = await clients.s3.send(new ListObjectsV2Command({ Bucket: ARCHIVE_BUCKET, Prefix: 'records/' }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

describe('archive-audit-events', () => {
  it('writes a batch as one object, a line per record, oldest first, keyed by date and record ids only', async () => {
    const [first, second, third] = [
      auditRecord({ action: 'create' }),
      auditRecord({ outcome: 'denied', actor: { id: 'patient-2', role: 'patient' }, sourceIp: null, userAgent: null }),
      auditRecord({ action: 'read', listed: true, via: 'signed_link', at: '2026-11-22T10:00:01.000Z' }),
    ];
    const event: DynamoDBStreamEvent = {
      Records: [streamRecord(3, { newRecord: third }), streamRecord(1, { newRecord: first }), streamRecord(2, { newRecord: second })],
    };

    await handler(event, {} as Context);

    const key = `records/2026/11/22/${first!.id}_${third!.id}.ndjson`;
    expect(await archivedKeys()).toContain(key);
    expect(await archivedLines(key)).toEqual([first, second, third].map((record) => ({ event: 'INSERT', record })));
    expect(errorLines()).toEqual([]);
    expect(tamperingCounts()).toEqual([]);
  });

  it('archives a record written over or removed as it was, logs each by id and counts them as tampering', async () => {
    const original = auditRecord({ at: '2026-11-21T09:00:00.000Z', userAgent: 'Jane Doe tablet' });
    const rewritten = { ...original, outcome: 'denied' as const };
    const removed = auditRecord({ at: '2026-11-22T11:00:00.000Z' });
    const inserted = auditRecord({ at: '2026-11-22T12:00:00.000Z' });

    await handler(
      {
        Records: [
          streamRecord(10, { newRecord: inserted }),
          streamRecord(11, { newRecord: rewritten, oldRecord: original }),
          streamRecord(12, { oldRecord: removed }),
        ],
      },
      { functionName: 'medfiles-archiver', awsRequestId: 'inv-1' } as Context,
    );

    const key = `records/2026/11/21/${original.id}_${inserted.id}.ndjson`;
    expect(await archivedLines(key)).toEqual([
      { event: 'MODIFY', record: rewritten, previous: original },
      { event: 'REMOVE', previous: removed },
      { event: 'INSERT', record: inserted },
    ]);
    const invocation = { function: 'archive-audit-events', function_name: 'medfiles-archiver', function_request_id: 'inv-1', cold_start: expect.any(Boolean) };
    const line = { level: 'ERROR', message: 'audit record changed in the table', timestamp: expect.any(String), service: 'medfiles', ...invocation };
    // Exactly these keys: ids and the event name, nothing else of the record.
    expect(errorLines()).toEqual([
      { ...line, eventId: original.id, fileId: original.fileId, eventType: 'MODIFY' },
      { ...line, eventId: removed.id, fileId: removed.fileId, eventType: 'REMOVE' },
    ]);
    expect(JSON.stringify(errorLines())).not.toMatch(/Jane|203\.0\.113|provider-7|clinic-a/);
    expect(tamperingCounts()).toEqual([2]);
    const emf = output.find((l) => l.AuditTampering !== undefined)!;
    expect(emf._aws.CloudWatchMetrics).toEqual([
      { Namespace: 'MedFiles', Dimensions: [['service', 'function']], Metrics: [{ Name: 'AuditTampering', Unit: 'Count' }] },
    ]);
    expect([emf.service, emf.function]).toEqual(['medfiles', 'archive-audit-events']);
  });

  it('fails a batch holding a change without the images it needs, and archives none of it', async () => {
    const before = await archivedKeys();
    const event = { Records: [streamRecord(20, { newRecord: auditRecord() }), streamRecord(21, {}, 'REMOVE')] };
    await expect(handler(event, {} as Context)).rejects.toThrow(/lacks the images/);
    expect(await archivedKeys()).toEqual(before);
  });

  it('writes nothing for an empty batch', async () => {
    const before = await archivedKeys();
    await handler({ Records: [] }, {} as Context);
    expect(await archivedKeys()).toEqual(before);
    expect(output).toEqual([]);
  });
});
