/** The file record: extensions, ETags, expiry and the File resource. */
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { etagOf, extensionOf, isExpired, toFileResource, type Caller, type FileRecord } from '../../../shared/domain/file.ts';
import { FileResource } from '../../../shared/http/formats/files.ts';

describe('extensionOf', () => {
  it.each([
    ['IMG_0292.JPG', 'jpg'],
    ['report.pdf', 'pdf'],
    ['archive.tar.gz', 'gz'],
    ['a..b', 'b'],
    ['scan.DcM', 'dcm'],
    ['файл.ДОКС', 'докс'],
    ['x.mp4', 'mp4'],
    ['no-extension', ''],
    ['.bashrc', ''],
    ['.', ''],
    ['..', ''],
    ['trailing.', ''],
    ['two words.pd f', ''],
    ['dash.tar-gz', ''],
    ['emoji.😀', ''],
    ['long.abcdefghijklmnop', 'abcdefghijklmnop'],
    ['too-long.abcdefghijklmnopq', ''],
    ['space.pdf ', ''],
  ])('%j → %j', (name, ext) => {
    expect(extensionOf(name)).toBe(ext);
  });
});

describe('etagOf', () => {
  const base = { id: '0193a5c2-7b4e-7000-8000-000000000001', version: 1, sha256: 'a'.repeat(64) };

  it('is a strong, quoted ETag', () => {
    expect(etagOf(base)).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
  });

  it('is stable for the same version', () => {
    expect(etagOf({ ...base })).toBe(etagOf(base));
  });

  it('changes with the version, the content and the file', () => {
    const tags = new Set([
      etagOf(base),
      etagOf({ ...base, version: 2 }),
      etagOf({ ...base, version: 3 }),
      etagOf({ ...base, sha256: 'b'.repeat(64) }),
      etagOf({ ...base, id: '0193a5c2-7b4e-7000-8000-000000000002' }),
    ]);
    expect(tags.size).toBe(5);
  });
});

describe('isExpired', () => {
  const now = new Date('2026-11-22T15:04:05.123Z');
  it('never, without expiresAt', () => expect(isExpired({ expiresAt: null }, now)).toBe(false));
  it('from the instant of expiresAt', () => {
    expect(isExpired({ expiresAt: '2026-11-22T15:04:05.124Z' }, now)).toBe(false);
    expect(isExpired({ expiresAt: '2026-11-22T15:04:05.123Z' }, now)).toBe(true);
    expect(isExpired({ expiresAt: '2026-11-22T15:04:05.122Z' }, now)).toBe(true);
  });
});

describe('toFileResource', () => {
  const record: FileRecord = {
    id: '0193a5c2-7b4e-7000-8000-000000000001',
    tenantId: 't1',
    ownerId: 'patient-1',
    createdBy: { id: 'provider-7', role: 'provider' },
    originalName: 'IMG_0292.JPG',
    extension: 'jpg',
    mimeType: 'image/jpeg',
    size: 2904221,
    sha256: 'c'.repeat(64),
    description: null,
    category: 'user_document',
    recordType: 'medical',
    entity: { type: 'visit', id: 'v-42' },
    fileRequestId: null,
    state: 'active',
    imageWidth: 3024,
    imageHeight: 4032,
    sharedWith: [],
    expiresAt: null,
    createdAt: '2026-11-22T15:04:05.123Z',
    updatedAt: '2026-11-22T15:04:05.123Z',
    version: 3,
  };
  const caller: Caller = { sub: 'provider-7', tenantId: 't1', role: 'provider', via: 'token' };

  it('shows a patient it is shared with only itself in sharedWith; the owner and staff see the whole list (issue 8)', () => {
    const shared = { ...record, sharedWith: ['caregiver-1', 'patient-2', 'patient-3'] };
    const as = (sub: string, role: Caller['role']) => toFileResource(shared, { sub, tenantId: 't1', role, via: 'token' }).sharedWith;
    expect(as('patient-2', 'patient')).toEqual(['patient-2']);
    expect(as('patient-1', 'patient')).toEqual(['caregiver-1', 'patient-2', 'patient-3']);
    expect(as('provider-7', 'provider')).toEqual(['caregiver-1', 'patient-2', 'patient-3']);
  });

  it('has exactly the documented fields, and no storage internals', () => {
    const resource = toFileResource(record, caller);
    expect(z.catchall(FileResource, z.never()).safeParse(resource).success).toBe(true);
    expect(Object.keys(resource).sort()).toEqual(
      [
        'id', 'tenantId', 'ownerId', 'createdBy', 'originalName', 'extension', 'mimeType', 'size', 'sha256', 'description',
        'category', 'recordType', 'entity', 'fileRequestId', 'state', 'imageWidth', 'imageHeight', 'sharedWith', 'deletable',
        'expiresAt', 'createdAt', 'updatedAt',
      ].sort(),
    );
    expect(resource).not.toHaveProperty('objectKey');
    expect(resource).not.toHaveProperty('version');
  });
});
