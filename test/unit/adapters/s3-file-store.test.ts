/**
 * S3FileStore's mapping of SDK outcomes to the domain (no network: the S3 client is mocked). What S3 really
 * does with these requests is in test/integration/s3-file-store.test.ts.
 */
import { createHash } from 'node:crypto';
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { S3FileStore } from '../../../shared/adapters/s3-file-store.ts';
import { InternalError } from '../../../shared/domain/errors.ts';

const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const mock = mockClient(s3);
const store = new S3FileStore(s3, 'bucket-1');

afterEach(() => mock.reset());

const serviceError = (name: string) =>
  new S3ServiceException({ name, $fault: 'server', $metadata: { httpStatusCode: 500 }, message: `secret internal detail of ${name}` });

describe('put', () => {
  it('sends type, disposition, length and the base64 SHA-256 S3 verifies', async () => {
    mock.on(PutObjectCommand).resolves({});
    const bytes = Buffer.from('hello');
    const hex = createHash('sha256').update(bytes).digest('hex');
    await store.put('k/1', bytes, { contentType: 'text/plain', contentDisposition: 'attachment; filename=a.txt', sha256: hex });
    expect(mock.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'bucket-1',
      Key: 'k/1',
      ContentType: 'text/plain',
      ContentDisposition: 'attachment; filename=a.txt',
      ContentLength: 5,
      ChecksumSHA256: createHash('sha256').update(bytes).digest('base64'),
    });
  });

  it('a refused put (e.g. BadDigest) is a plain 500 that hides the SDK message', async () => {
    mock.on(PutObjectCommand).rejects(serviceError('BadDigest'));
    const error = await store.put('k', Buffer.from('x'), { contentType: 'text/plain', contentDisposition: 'inline', sha256: '00'.repeat(32) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalError);
    expect(error).toMatchObject({ status: 500, expose: false });
    expect((error as Error).message).not.toContain('secret internal detail');
  });
});

describe('open', () => {
  it('NoSuchKey is null', async () => {
    mock.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));
    expect(await store.open('missing')).toBeNull();
  });

  it('any other failure is a 500', async () => {
    mock.on(GetObjectCommand).rejects(serviceError('AccessDenied'));
    await expect(store.open('k')).rejects.toMatchObject({ status: 500, expose: false });
  });
});

describe('copy', () => {
  it('replaces the metadata, so the new type and disposition are stored', async () => {
    mock.on(CopyObjectCommand).resolves({});
    await store.copy('a/content', 'a/content', { contentType: 'application/pdf', contentDisposition: 'attachment; filename=b.pdf' });
    expect(mock.commandCalls(CopyObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'bucket-1',
      Key: 'a/content',
      CopySource: 'bucket-1/a/content',
      MetadataDirective: 'REPLACE',
      ContentType: 'application/pdf',
      ContentDisposition: 'attachment; filename=b.pdf',
    });
  });
});

describe('deletePrefix', () => {
  it('follows continuation tokens and deletes every listed key in batches', async () => {
    mock
      .on(ListObjectsV2Command)
      .resolvesOnce({ Contents: [{ Key: 'p/1' }, { Key: 'p/2' }], IsTruncated: true, NextContinuationToken: 't1' })
      .resolvesOnce({ Contents: [{ Key: 'p/3' }], IsTruncated: false });
    mock.on(DeleteObjectsCommand).resolves({});
    await store.deletePrefix('p/');
    const lists = mock.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
    expect(lists).toEqual([
      { Bucket: 'bucket-1', Prefix: 'p/', ContinuationToken: undefined },
      { Bucket: 'bucket-1', Prefix: 'p/', ContinuationToken: 't1' },
    ]);
    expect(mock.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete!.Objects!.map((o) => o.Key))).toEqual([['p/1', 'p/2'], ['p/3']]);
  });

  it('an empty prefix deletes nothing', async () => {
    mock.on(ListObjectsV2Command).resolves({ IsTruncated: false });
    await store.deletePrefix('none/');
    expect(mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });
});

describe('presignGet', () => {
  it('signs a GET for the key with the TTL, and the inline override only when asked', async () => {
    const plain = new URL(await store.presignGet('tenants/t1/files/f1/content', 45));
    expect(plain.pathname).toContain('tenants/t1/files/f1/content');
    expect(plain.searchParams.get('X-Amz-Expires')).toBe('45');
    expect(plain.searchParams.has('response-content-disposition')).toBe(false);
    const inline = new URL(await store.presignGet('tenants/t1/files/f1/content', 45, 'inline'));
    expect(inline.searchParams.get('response-content-disposition')).toBe('inline');
  });
});
