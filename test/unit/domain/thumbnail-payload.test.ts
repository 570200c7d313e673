/** The thumbnail invoke payloads, one schema for both sides: what the content route sends and gets back. */
import { describe, expect, it } from 'vitest';
import { EXPIRY_TAG } from '../../../shared/domain/expiry.ts';
import { fromThumbnailReply, ThumbnailRequest, toThumbnailReply } from '../../../shared/domain/thumbnail-payload.ts';

const request: ThumbnailRequest = {
  tenantId: 'clinic-1',
  fileId: '0193a5c2-7b4e-7000-8000-000000000001',
  width: 200,
  height: 140,
  format: 'webp',
  variant: 'auto',
  tags: { [EXPIRY_TAG]: '30' },
};

describe('ThumbnailRequest', () => {
  it('accepts what the content route sends, through JSON', () => {
    expect(ThumbnailRequest.parse(JSON.parse(JSON.stringify(request)))).toEqual(request);
  });

  it('refuses a tenant id that could escape a key, a box beyond the limit, and an unknown format', () => {
    expect(ThumbnailRequest.safeParse({ ...request, tenantId: '../x' }).success).toBe(false);
    expect(ThumbnailRequest.safeParse({ ...request, width: 4097 }).success).toBe(false);
    expect(ThumbnailRequest.safeParse({ ...request, format: 'gif' }).success).toBe(false);
    expect(ThumbnailRequest.safeParse({ ...request, fileId: 'not-a-uuid' }).success).toBe(false);
  });
});

describe('ThumbnailReply', () => {
  it('carries the bytes as base64 through JSON, and back', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const reply = JSON.parse(JSON.stringify(toThumbnailReply({ status: 'ok', contentType: 'image/webp', size: 5, bytes })));
    expect(reply).toEqual({ status: 'ok', contentType: 'image/webp', size: 5, bytes: 'AAEC+v8=' });
    expect(fromThumbnailReply(reply)).toEqual({ status: 'ok', contentType: 'image/webp', size: 5, bytes: Buffer.from(bytes) });
  });

  it('leaves bytes too large for a Lambda response in the cache only', () => {
    const bytes = new Uint8Array(4 * 1024 * 1024 + 1);
    const reply = toThumbnailReply({ status: 'ok', contentType: 'image/png', size: bytes.length, bytes });
    expect(reply).toEqual({ status: 'ok', contentType: 'image/png', size: bytes.length, bytes: undefined });
    expect(fromThumbnailReply(JSON.parse(JSON.stringify(reply)))).toEqual({ status: 'ok', contentType: 'image/png', size: bytes.length, bytes: undefined });
  });

  it('passes an unreadable image on, and refuses what is not a reply', () => {
    const unreadable = { status: 'unreadable', message: 'The image cannot be decoded' } as const;
    expect(fromThumbnailReply(toThumbnailReply(unreadable))).toEqual(unreadable);
    expect(fromThumbnailReply({ errorMessage: 'Task timed out' })).toBeUndefined();
    expect(fromThumbnailReply({ status: 'ok' })).toBeUndefined();
  });
});
