/**
 * The audit archive (deployed only): each batch of records from the audit table's stream as one NDJSON object, a
 * record per line in the API's AuditRecord shape, in the bucket whose Object Lock default retention (compliance
 * mode, infra/audit.ts) locks every object version as it is written.
 *
 * Keys hold dates and record ids only: `records/YYYY/MM/DD/<first id>_<last id>.ndjson`, the date of the first
 * record. Record ids are UUIDv7, so keys sort by time, and a retried batch gets the same key again: the bucket is
 * versioned, so that adds a version and never replaces the one already locked.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AuditRecord } from '../domain/audit/records.ts';

export class S3AuditArchive {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  /** Writes `records` as one object, oldest first; an empty batch writes nothing. */
  async store(records: readonly AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    // Stable: several images of one record keep their stream order.
    const sorted = [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const first = sorted[0]!;
    const last = sorted.at(-1)!;
    const body = Buffer.from(sorted.map((record) => `${JSON.stringify(record)}\n`).join(''));
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: `records/${first.at.slice(0, 10).replaceAll('-', '/')}/${first.id}_${last.id}.ndjson`,
        Body: body,
        ContentLength: body.length,
        ContentType: 'application/x-ndjson',
        // S3 refuses a put into an Object Lock bucket without an integrity checksum. Naming the algorithm makes the
        // SDK compute it although its clients add checksums only when required (./clients.ts); the body is a
        // buffer, so it goes as a plain x-amz-checksum-sha256 header, not an aws-chunked trailer that the local
        // S3 server would store as part of the object.
        ChecksumAlgorithm: 'SHA256',
      }),
    );
  }
}
