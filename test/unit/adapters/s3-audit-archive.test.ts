/**
 * What the archive sends on the wire (no network: the client's HTTP handler is replaced): S3 refuses a put into an
 * Object Lock bucket without an integrity checksum, so the request must carry one, as a plain header, for the
 * exact bytes of the object. The production client factory is used, with its "checksums only when required" setting.
 * Each line says what happened to the record; a key names ids and a date only, those of the record as first written.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { makeS3Client } from '../../../shared/adapters/clients.ts';
import { S3AuditArchive } from '../../../shared/adapters/s3-audit-archive.ts';
import type { AuditRecord } from '../../../shared/domain/audit/records.ts';

/** The parts of the SDK's HTTP request this test reads. */
interface SentRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

function capturingArchive(): { archive: S3AuditArchive; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const s3 = makeS3Client({ region: 'us-east-1', s3ForcePathStyle: true });
  s3.config.requestHandler = {
    handle: async (request: SentRequest) => {
      sent.push(request);
      return { response: { statusCode: 200, headers: {}, body: Readable.from([]) } };
    },
  } as never;
  s3.config.credentials = async () => ({ accessKeyId: 'x', secretAccessKey: 'y' });
  return { archive: new S3AuditArchive(s3, 'audit-archive'), sent };
}

const record = (id: string, at: string): AuditRecord => ({
  id,
  at,
  tenantId: 'clinic-a',
  actor: { id: 'admin-1', role: 'admin' },
  action: 'download',
  fileId: 'f-1',
  outcome: 'success',
  via: 'token',
  requestId: 'req-1',
  sourceIp: null,
  userAgent: null,
});

describe('S3AuditArchive', () => {
  it('puts the batch, oldest first, with the SHA-256 of its bytes in a header and no chunked trailer', async () => {
    const { archive, sent } = capturingArchive();
    const older = record('0193a000-0000-7000-8000-000000000001', '2026-11-30T23:59:59.000Z');
    const newer = record('0193a000-0000-7000-8000-000000000002', '2026-12-01T00:00:00.000Z');
    await archive.store([
      { event: 'INSERT', record: newer },
      { event: 'INSERT', record: older },
    ]);

    expect(sent).toHaveLength(1);
    const request = sent[0]!;
    expect(request.method).toBe('PUT');
    expect(request.path).toBe(`/audit-archive/records/2026/11/30/${older.id}_${newer.id}.ndjson`);
    const body = Buffer.from(request.body as Uint8Array);
    expect(body.toString()).toBe(
      `{"event":"INSERT","record":${JSON.stringify(older)}}\n{"event":"INSERT","record":${JSON.stringify(newer)}}\n`,
    );
    expect(request.headers['x-amz-checksum-sha256']).toBe(createHash('sha256').update(body).digest('base64'));
    expect(request.headers['x-amz-sdk-checksum-algorithm']).toBe('SHA256');
    expect(request.headers['x-amz-trailer']).toBeUndefined();
    expect(request.headers['content-encoding'] ?? '').not.toContain('aws-chunked');
  });

  it('writes a record written over or removed with the record as it was, keyed by the record as first written', async () => {
    const { archive, sent } = capturingArchive();
    const original = record('0193a000-0000-7000-8000-000000000005', '2026-11-30T08:00:00.000Z');
    // What tampering could put in the new image: another id and date must not reach the key.
    const rewritten = { ...original, id: '0193a000-0000-7000-8000-000000000009', at: '2027-01-01T00:00:00.000Z', outcome: 'denied' as const };
    const removed = record('0193a000-0000-7000-8000-000000000003', '2026-11-29T08:00:00.000Z');
    await archive.store([
      { event: 'MODIFY', record: rewritten, previous: original },
      { event: 'REMOVE', previous: removed },
    ]);

    expect(sent.map((request) => request.path)).toEqual([`/audit-archive/records/2026/11/29/${removed.id}_${original.id}.ndjson`]);
    const lines = Buffer.from(sent[0]!.body as Uint8Array).toString().trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual([
      { event: 'REMOVE', previous: removed },
      { event: 'MODIFY', record: rewritten, previous: original },
    ]);
  });

  it('sends nothing for an empty batch', async () => {
    const { archive, sent } = capturingArchive();
    await archive.store([]);
    expect(sent).toEqual([]);
  });
});
