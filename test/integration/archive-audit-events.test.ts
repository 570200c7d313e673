/**
 * The archiver against the real local S3 server: a stream batch of the audit table, in the shape Lambda delivers
 * it, becomes one NDJSON object holding exactly the batch's records. (s3rver has no Object Lock: the lock itself
 * is asserted on the template, test/infra/audit.test.ts; here, that the put carries what S3 requires and stores
 * the bytes as sent.)
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBucket } from '../../local/bootstrap.ts';
import { toAuditItem } from '../../shared/adapters/audit-items.ts';
import type { AuditRecord } from '../../shared/domain/audit/records.ts';
import { makeIntegrationClients, type IntegrationClients } from '../support/integration-clients.ts';

const ARCHIVE_BUCKET = 'medfiles-integration-audit-archive';

let clients: IntegrationClients;
let handler: (event: DynamoDBStreamEvent, context: Context) => Promise<void>;

beforeAll(async () => {
  clients = makeIntegrationClients();
  await ensureBucket(clients.s3, ARCHIVE_BUCKET);
  Object.assign(process.env, { MEDFILES_AUDIT_ARCHIVE_BUCKET: ARCHIVE_BUCKET, MEDFILES_S3_FORCE_PATH_STYLE: 'true' });
  ({ handler } = await import('../../functions/archive-audit-events.ts'));
});
afterAll(() => clients.destroy());

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

/** A stream record as Lambda delivers it from a NEW_IMAGE stream. */
function streamRecord(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', record: AuditRecord, sequence: number): DynamoDBRecord {
  const image = marshall(toAuditItem(record), { removeUndefinedValues: true }) as never;
  return {
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: String(sequence),
      StreamViewType: 'NEW_IMAGE',
      ...(eventName === 'REMOVE' ? {} : { NewImage: image }),
    },
  };
}

async function archivedKeys(): Promise<string[]> {
  const out = await clients.s3.send(new ListObjectsV2Command({ Bucket: ARCHIVE_BUCKET, Prefix: 'records/' }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

describe('archive-audit-events', () => {
  it('writes a batch as one object of its records, oldest first, keyed by date and record ids only', async () => {
    const [first, second, third] = [
      auditRecord({ action: 'create' }),
      auditRecord({ outcome: 'denied', actor: { id: 'patient-2', role: 'patient' }, sourceIp: null, userAgent: null }),
      auditRecord({ action: 'read', listed: true, via: 'signed_link', at: '2026-11-22T10:00:01.000Z' }),
    ];
    const event: DynamoDBStreamEvent = {
      Records: [streamRecord('INSERT', third!, 3), streamRecord('INSERT', first!, 1), streamRecord('INSERT', second!, 2)],
    };

    await handler(event, {} as Context);

    const key = `records/2026/11/22/${first!.id}_${third!.id}.ndjson`;
    expect(await archivedKeys()).toContain(key);
    const object = await clients.s3.send(new GetObjectCommand({ Bucket: ARCHIVE_BUCKET, Key: key }));
    expect(object.ContentType).toBe('application/x-ndjson');
    const body = await object.Body!.transformToString();
    expect(body.endsWith('\n')).toBe(true);
    expect(body.trimEnd().split('\n').map((line) => JSON.parse(line) as AuditRecord)).toEqual([first, second, third]);
  });

  it('archives a record written over too, and skips records without a new image', async () => {
    const record = auditRecord();
    const before = await archivedKeys();
    await handler({ Records: [streamRecord('MODIFY', record, 10), streamRecord('REMOVE', auditRecord(), 11)] }, {} as Context);

    const added = (await archivedKeys()).filter((key) => !before.includes(key));
    expect(added).toEqual([`records/2026/11/22/${record.id}_${record.id}.ndjson`]);
    const object = await clients.s3.send(new GetObjectCommand({ Bucket: ARCHIVE_BUCKET, Key: added[0] }));
    expect(await object.Body!.transformToString()).toBe(`${JSON.stringify(record)}\n`);
  });

  it('writes nothing for a batch without records', async () => {
    const before = await archivedKeys();
    await handler({ Records: [streamRecord('REMOVE', auditRecord(), 20)] }, {} as Context);
    expect(await archivedKeys()).toEqual(before);
  });
});
