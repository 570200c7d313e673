/**
 * Who may do what (API.md, "Authentication and roles"), for every role against every relation the caller
 * can have to a file: owner or not, shared with or not, creator or not, active or archived.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/domain/errors.ts';
import { toFileResource, type Caller, type FileRecord } from '../../../shared/domain/file.ts';
import {
  assertVisible,
  canArchive,
  canDeletePermanently,
  canModify,
  canRestore,
  canSee,
  resolveOwner,
} from '../../../shared/domain/policy.ts';
import { ROLES, type Role } from '../../../shared/domain/schemas.ts';

const ME = 'user-me';
const OTHER = 'user-other';

const caller = (role: Role, sub = ME): Caller => ({ sub, tenantId: 't1', role, via: 'token' });

interface Relation {
  owner: boolean;
  shared: boolean;
  creator: boolean;
  state: 'active' | 'archived';
}

function fileFor(rel: Relation): FileRecord {
  return {
    id: '0193a5c2-0000-7000-8000-000000000001',
    tenantId: 't1',
    ownerId: rel.owner ? ME : OTHER,
    createdBy: { id: rel.creator ? ME : 'someone-else', role: rel.creator ? 'patient' : 'provider' },
    originalName: 'scan.pdf',
    extension: 'pdf',
    mimeType: 'application/pdf',
    size: 10,
    sha256: 'a'.repeat(64),
    description: null,
    category: 'user_document',
    recordType: null,
    entity: null,
    fileRequestId: null,
    state: rel.state,
    imageWidth: null,
    imageHeight: null,
    sharedWith: rel.shared ? ['third-user', ME] : ['third-user'],
    expiresAt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 1,
  };
}

const relations: Relation[] = [];
for (const owner of [true, false])
  for (const shared of [true, false])
    for (const creator of [true, false])
      for (const state of ['active', 'archived'] as const) relations.push({ owner, shared, creator, state });

/** The contract, written out per role rather than derived from the code under test. */
const expected: Record<Role, (r: Relation) => { see: boolean; modify: boolean; archive: boolean }> = {
  patient: (r) => ({
    see: r.owner || r.shared,
    modify: r.owner,
    archive: r.state === 'active' && r.owner && r.creator,
  }),
  provider: (r) => ({ see: true, modify: true, archive: r.state === 'active' }),
  admin: (r) => ({ see: true, modify: true, archive: r.state === 'active' }),
  service: (r) => ({ see: true, modify: true, archive: r.state === 'active' }),
};

const label = (r: Relation) =>
  `${r.owner ? 'owner' : 'not owner'}, ${r.shared ? 'shared' : 'not shared'}, ${r.creator ? 'creator' : 'not creator'}, ${r.state}`;

describe.each(ROLES)('role %s', (role) => {
  it.each(relations.map((r) => [label(r), r] as const))('%s', (_name, rel) => {
    const who = caller(role);
    const file = fileFor(rel);
    const want = expected[role](rel);
    expect(canSee(who, file)).toBe(want.see);
    expect(canModify(who, file)).toBe(want.modify);
    expect(canArchive(who, file)).toBe(want.archive);
    // `deletable` in the File resource is exactly "may this caller archive it".
    expect(toFileResource(file, who).deletable).toBe(want.archive);
    if (want.see) expect(() => assertVisible(who, file)).not.toThrow();
    else expect(() => assertVisible(who, file)).toThrow(expect.objectContaining({ status: 404, code: 'not_found' }));
  });

  it('restore and permanent delete', () => {
    expect(canRestore(caller(role))).toBe(role !== 'patient');
    expect(canDeletePermanently(caller(role))).toBe(role === 'admin');
  });
});

describe('visibility is 404, never 403', () => {
  it('a missing file is 404', () => {
    expect(() => assertVisible(caller('admin'), null)).toThrow(expect.objectContaining({ status: 404 }));
  });

  it("a patient asking for another patient's unshared file gets 404 (existence does not leak)", () => {
    const file = fileFor({ owner: false, shared: false, creator: false, state: 'active' });
    let thrown: unknown;
    try {
      assertVisible(caller('patient'), file);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).status).toBe(404);
  });

  it('a shared file is read only for the patient it is shared with', () => {
    const file = fileFor({ owner: false, shared: true, creator: false, state: 'active' });
    expect(canSee(caller('patient'), file)).toBe(true);
    expect(canModify(caller('patient'), file)).toBe(false);
    expect(canArchive(caller('patient'), file)).toBe(false);
  });

  it('a patient may not archive a file of its own that a provider uploaded for it', () => {
    const file = fileFor({ owner: true, shared: false, creator: false, state: 'active' });
    expect(canModify(caller('patient'), file)).toBe(true);
    expect(canArchive(caller('patient'), file)).toBe(false);
    expect(toFileResource(file, caller('patient')).deletable).toBe(false);
    expect(toFileResource(file, caller('provider')).deletable).toBe(true);
  });
});

describe('resolveOwner', () => {
  it('a patient uploads for itself, with or without naming itself', () => {
    expect(resolveOwner(caller('patient'), undefined)).toBe(ME);
    expect(resolveOwner(caller('patient'), ME)).toBe(ME);
  });

  it('a patient uploading for someone else is 403', () => {
    expect(() => resolveOwner(caller('patient'), OTHER)).toThrow(expect.objectContaining({ status: 403, code: 'forbidden' }));
  });

  it.each(['provider', 'admin', 'service'] as const)('%s uploads for anyone in its tenant, else for itself', (role) => {
    expect(resolveOwner(caller(role), OTHER)).toBe(OTHER);
    expect(resolveOwner(caller(role), undefined)).toBe(ME);
  });
});
