/** The cleanup of uploads never completed, after TTL removed their pending records. */
import { describe, expect, it } from 'vitest';
import { contentKey } from '../../../../shared/domain/file.ts';
import { AbandonedUploads } from '../../../../shared/domain/large-uploads/abandoned-uploads.ts';
import { InMemoryFileIndex, InMemoryFileStore } from '../../../support/in-memory-ports.ts';
import { fileRecord } from '../../../support/integration-records.ts';

const headers = { contentType: 'application/pdf', contentDisposition: 'attachment' };

describe('AbandonedUploads', () => {
  it('deletes the object of a single PUT and aborts a multipart upload', async () => {
    const store = new InMemoryFileStore();
    const cleaner = new AbandonedUploads(store, new InMemoryFileIndex());
    store.objects.set(contentKey('t1', 'single'), { bytes: Buffer.from('%PDF-1.7\n'), headers });
    const uploadId = await store.createMultipart(contentKey('t1', 'multi'), headers);

    await cleaner.clean({ tenantId: 't1', id: 'single', multipartUploadId: null });
    await cleaner.clean({ tenantId: 't1', id: 'multi', multipartUploadId: uploadId });

    expect(store.objects.has(contentKey('t1', 'single'))).toBe(false);
    expect(store.multiparts.has(uploadId)).toBe(false);
    expect(store.calls).toContainEqual({ op: 'abortMultipart', key: contentKey('t1', 'multi') });
  });

  it('leaves a completed upload alone when its pending record was left behind', async () => {
    const store = new InMemoryFileStore();
    const index = new InMemoryFileIndex();
    const file = fileRecord({ tenantId: 't1' });
    await index.create(file);
    store.objects.set(contentKey('t1', file.id), { bytes: Buffer.from('%PDF-1.7\n'), headers });

    await new AbandonedUploads(store, index).clean({ tenantId: 't1', id: file.id, multipartUploadId: null });

    expect(store.objects.has(contentKey('t1', file.id))).toBe(true);
  });
});
