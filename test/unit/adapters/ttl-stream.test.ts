import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { abandonedUploadsOf, expiredFilesOf, isTtlRemoval } from '../../../shared/adapters/ttl-stream.ts';

const fileImage = { pk: 'T#t1#F#f1', sk: 'F', kind: 'file', tenantId: 't1', id: 'f1', ownerId: 'p1', originalName: 'rash.jpg' };

function record(overrides: Partial<DynamoDBRecord> & { image?: Record<string, unknown> }): DynamoDBRecord {
  const { image = fileImage, ...rest } = overrides;
  return {
    eventName: 'REMOVE',
    userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    dynamodb: { OldImage: marshall(image) as never, SequenceNumber: '100' },
    ...rest,
  };
}

describe('TTL removals in a stream batch', () => {
  it('reads the expired file by its ids only', () => {
    expect(expiredFilesOf({ Records: [record({})] })).toEqual([
      { file: { tenantId: 't1', id: 'f1', ownerId: 'p1' }, sequenceNumber: '100' },
    ]);
  });

  it('ignores deletes made by the API (permanent delete), inserts and modifies', () => {
    const byApi = record({ userIdentity: undefined });
    const byOtherPrincipal = record({ userIdentity: { type: 'Service', principalId: 'lambda.amazonaws.com' } });
    const modify = record({ eventName: 'MODIFY' });
    for (const r of [byApi, byOtherPrincipal, modify]) expect(isTtlRemoval(r)).toBe(false);
    expect(expiredFilesOf({ Records: [byApi, byOtherPrincipal, modify] })).toEqual([]);
  });

  it('ignores expired claims and share markers (nothing of a file to remove)', () => {
    const claim = record({ image: { pk: 'T#t1#F#f2', sk: 'F', kind: 'claim', version: 0 } });
    const share = record({ image: { pk: 'T#t1#F#f1', sk: 'S#p2', kind: 'share', fileId: 'f1' } });
    expect(expiredFilesOf({ Records: [claim, share] })).toEqual([]);
  });
});

describe('TTL removals of pending uploads in a stream batch', () => {
  const upload = { pk: 'T#t1#F#u1', sk: 'U', kind: 'upload', tenantId: 't1', id: 'u1', name: 'secret.pdf', multipartUploadId: 'm1' };

  it('reads the abandoned upload by its ids and upload id only', () => {
    expect(abandonedUploadsOf({ Records: [record({ image: upload })] })).toEqual([
      { upload: { tenantId: 't1', id: 'u1', multipartUploadId: 'm1' }, sequenceNumber: '100' },
    ]);
    expect(abandonedUploadsOf({ Records: [record({ image: { ...upload, multipartUploadId: null } })] })[0]!.upload.multipartUploadId).toBeNull();
  });

  it('ignores removals by others than TTL, and items that are not pending uploads', () => {
    const byOtherPrincipal = record({ image: upload, userIdentity: { type: 'Service', principalId: 'lambda.amazonaws.com' } });
    const claim = record({ image: { ...upload, kind: 'claim' } });
    expect(abandonedUploadsOf({ Records: [byOtherPrincipal, claim] })).toEqual([]);
  });
});
