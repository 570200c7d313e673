/**
 * The request schemas, through parseOrThrow (the way handlers use them): what is refused is a 422 listing
 * every offending field by path.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError, type FieldIssue } from '../../../shared/domain/errors.ts';
import { EntityRef, ExpiryInterval, FileName, MAX_EXPIRY_SECONDS, PatchFileBody } from '../../../shared/domain/schemas.ts';
import { ListQuery } from '../../../shared/http/formats/files.ts';
import { UploadFields, UploadJsonBody } from '../../../shared/http/formats/inline-uploads.ts';
import { parseOrThrow } from '../../../shared/domain/validation.ts';

/** The 422's details, or fails the test when the input was accepted. */
function issuesOf(schema: Parameters<typeof parseOrThrow>[0], input: unknown): FieldIssue[] {
  try {
    parseOrThrow(schema, input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).status).toBe(422);
    expect((error as ValidationError).code).toBe('validation_error');
    return (error as ValidationError).details;
  }
  return expect.fail(`expected a 422 for ${JSON.stringify(input)}`);
}

const accepts = (schema: Parameters<typeof parseOrThrow>[0], input: unknown) => expect(() => parseOrThrow(schema, input)).not.toThrow();

describe('FileName', () => {
  it.each([
    'IMG_0292.JPG',
    'report 2026-11-22 (final).pdf',
    'Grüße.txt',
    '日本語のファイル.pdf',
    'файл.docx',
    'صورة.png',
    '😀 smile.png',
    'no-extension',
    '.hidden',
    'a..b.txt',
    '...txt',
    'x'.repeat(255),
  ])('accepts %j', (name) => accepts(FileName, name));

  it.each([
    ['empty', ''],
    ['only a space', ' '],
    ['.', '.'],
    ['..', '..'],
    ['.. with spaces', ' .. '],
    ['a slash', 'a/b.txt'],
    ['a leading slash', '/etc/passwd'],
    ['a traversal', '../secret.txt'],
    ['a backslash', 'a\\b.txt'],
    ['a windows traversal', '..\\..\\boot.ini'],
    ['NUL', 'a\u0000b.txt'],
    ['a newline', 'a\nb.txt'],
    ['a carriage return', 'a\rb.txt'],
    ['a tab', 'a\tb.txt'],
    ['escape (C0)', 'a\u001bb.txt'],
    ['DEL', 'a\u007fb.txt'],
    ['a C1 control', 'a\u0085b.txt'],
    ['a line separator', 'a\u2028b.txt'],
    ['a paragraph separator', 'a\u2029b.txt'],
    ['256 characters', 'x'.repeat(256)],
  ])('refuses %s', (_label, name) => {
    const issues = issuesOf(FileName, name);
    expect(issues.length).toBeGreaterThan(0);
  });

  it('names the field of the offending file in a request', () => {
    const issues = issuesOf(UploadJsonBody, {
      files: [
        { name: 'ok.txt', contents: 'aGk=' },
        { name: 'bad/name.txt', contents: 'aGk=' },
        { name: 'x'.repeat(256), contents: 'aGk=' },
      ],
    });
    expect(issues.map((i) => i.path)).toEqual(['files.1.name', 'files.2.name']);
  });
});

describe('EntityRef', () => {
  it.each([
    { type: 'visit', id: 'v-42' },
    { type: 'intake_form', id: 'x' },
    { type: 'a'.repeat(32), id: 'i'.repeat(128) },
    { type: 'patient', id: 'Grüße 日本 #1' },
  ])('accepts %j', (entity) => accepts(EntityRef, entity));

  it.each([
    ['an empty type', { type: '', id: 'v' }, 'type'],
    ['an upper-case type', { type: 'Visit', id: 'v' }, 'type'],
    ['a digit in the type', { type: 'visit2', id: 'v' }, 'type'],
    ['a hyphen in the type', { type: 'lab-result', id: 'v' }, 'type'],
    ['a 33-character type', { type: 'a'.repeat(33), id: 'v' }, 'type'],
    ['an empty id', { type: 'visit', id: '' }, 'id'],
    ['a 129-character id', { type: 'visit', id: 'i'.repeat(129) }, 'id'],
    ['a control character in the id', { type: 'visit', id: 'v\n1' }, 'id'],
    ['a zero-width format character in the id', { type: 'visit', id: 'v\u200b1' }, 'id'],
    ['a missing id', { type: 'visit' }, 'id'],
  ])('refuses %s', (_label, entity, field) => {
    expect(issuesOf(EntityRef, entity).map((i) => i.path)).toContain(field);
  });

  it('refuses unknown fields', () => {
    const issues = issuesOf(EntityRef, { type: 'visit', id: 'v', name: 'Jane' });
    expect(issues).toEqual([{ path: '(body)', message: expect.stringContaining('name') }]);
  });
});

describe('expiryInterval', () => {
  it('is 1 second to 10 years (with leap days) in JSON', () => {
    expect(MAX_EXPIRY_SECONDS).toBe(10 * 365.25 * 24 * 3600);
    accepts(ExpiryInterval, 1);
    accepts(ExpiryInterval, 86_400);
    accepts(ExpiryInterval, MAX_EXPIRY_SECONDS);
  });

  it.each([0, -1, MAX_EXPIRY_SECONDS + 1, 1.5, 0.5, Number.NaN, Number.POSITIVE_INFINITY, '60', null, true])('refuses %j', (value) => {
    expect(issuesOf(ExpiryInterval, value).length).toBeGreaterThan(0);
  });

  it('in multipart fields and query parameters it is a decimal string with the same bounds', () => {
    expect(parseOrThrow(UploadFields, { expiryInterval: '60' }).expiryInterval).toBe(60);
    expect(parseOrThrow(UploadFields, { expiryInterval: String(MAX_EXPIRY_SECONDS) }).expiryInterval).toBe(MAX_EXPIRY_SECONDS);
    for (const bad of ['0', String(MAX_EXPIRY_SECONDS + 1), '1.5', '1e3', '-5', ' 60', '0x10', 'abc', '']) {
      expect(issuesOf(UploadFields, { expiryInterval: bad }).map((i) => i.path)).toEqual(['expiryInterval']);
    }
  });
});

describe('UploadJsonBody', () => {
  const file = { name: 'a.txt', contents: 'aGk=' };

  it('accepts the documented shape with per-file and request-level metadata', () => {
    const body = parseOrThrow(UploadJsonBody, {
      files: [{ ...file, mimeType: 'text/plain', description: 'd', category: 'lab_result', recordType: 'dental' }],
      ownerId: 'patient-1',
      entity: { type: 'visit', id: 'v-42' },
      expiryInterval: 3600,
      category: 'imaging',
      recordType: null,
      description: null,
    });
    expect(body.files).toHaveLength(1);
    expect(body.recordType).toBeNull();
  });

  it('takes 1 to 20 files', () => {
    accepts(UploadJsonBody, { files: Array.from({ length: 20 }, () => file) });
    expect(issuesOf(UploadJsonBody, { files: [] }).map((i) => i.path)).toEqual(['files']);
    expect(issuesOf(UploadJsonBody, { files: Array.from({ length: 21 }, () => file) }).map((i) => i.path)).toEqual(['files']);
    expect(issuesOf(UploadJsonBody, {}).map((i) => i.path)).toEqual(['files']);
  });

  it('lists every offending field, including unknown ones at both levels', () => {
    const issues = issuesOf(UploadJsonBody, {
      files: [{ ...file, category: 'selfie', colour: 'red' }],
      recordType: 'veterinary',
      expiryInterval: 0,
      entity: { type: 'Visit', id: '' },
      fileRequestId: 'not-a-uuid',
      patientName: 'Jane Doe',
    });
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['files.0.category', 'files.0', 'recordType', 'expiryInterval', 'entity.type', 'entity.id', 'fileRequestId', '(body)']),
    );
    const unknown = issues.filter((i) => i.message.startsWith('unknown field'));
    expect(unknown.map((i) => i.message).join(' ')).toMatch(/colour/);
    expect(unknown.map((i) => i.message).join(' ')).toMatch(/patientName/);
  });

  it('refuses a non-string ownerId and control characters in it', () => {
    expect(issuesOf(UploadJsonBody, { files: [file], ownerId: 42 }).map((i) => i.path)).toEqual(['ownerId']);
    expect(issuesOf(UploadJsonBody, { files: [file], ownerId: 'p\u00001' }).map((i) => i.path)).toEqual(['ownerId']);
    expect(issuesOf(UploadJsonBody, { files: [file], ownerId: '' }).map((i) => i.path)).toEqual(['ownerId']);
  });
});

describe('ListQuery', () => {
  it('compares fileRequestId in lower case, as ids are stored', () => {
    expect(ListQuery.parse({ fileRequestId: '0193A5C2-7E4B-7000-8000-00000000ABCD' }).fileRequestId).toBe('0193a5c2-7e4b-7000-8000-00000000abcd');
  });

  it('has the documented defaults', () => {
    expect(parseOrThrow(ListQuery, {})).toEqual({
      state: 'active',
      includeShared: false,
      sort: 'createdAt',
      order: 'desc',
      limit: 25,
    });
  });

  it('parses every documented parameter', () => {
    const q = parseOrThrow(ListQuery, {
      ownerId: 'p1',
      entityType: 'visit',
      entityId: 'v-42',
      category: 'lab_result',
      recordType: 'dental',
      fileRequestId: '0193a5c2-7b4e-7000-8000-000000000001',
      state: 'all',
      includeShared: 'true',
      sort: 'size',
      order: 'asc',
      limit: '100',
      cursor: 'abc',
    });
    expect(q).toMatchObject({ includeShared: true, limit: 100, state: 'all', sort: 'size', order: 'asc' });
  });

  it.each(['1', '25', '100', '007'])('accepts limit=%s', (limit) => {
    expect(parseOrThrow(ListQuery, { limit }).limit).toBe(Number(limit));
  });

  it.each(['0', '101', 'abc', '-1', '1.5', '', ' 5', '1000', '1e2'])('limit=%j is 422 on the limit field', (limit) => {
    expect(issuesOf(ListQuery, { limit }).map((i) => i.path)).toEqual(['limit']);
  });

  it.each([
    ['state', 'deleted'],
    ['sort', 'name'],
    ['sort', 'updatedAt'],
    ['order', 'up'],
    ['includeShared', 'yes'],
    ['includeShared', '1'],
    ['category', 'selfie'],
    ['recordType', 'veterinary'],
    ['fileRequestId', 'x'],
    ['entityType', 'Visit'],
  ])('%s=%j is 422 on that field', (field, value) => {
    const input: Record<string, string> = { [field]: value };
    if (field === 'entityType') input.entityId = 'v1';
    expect(issuesOf(ListQuery, input).map((i) => i.path)).toEqual([field]);
  });

  it('entityType and entityId go together', () => {
    expect(issuesOf(ListQuery, { entityType: 'visit' }).map((i) => i.path)).toEqual(['entityId']);
    expect(issuesOf(ListQuery, { entityId: 'v-1' }).map((i) => i.path)).toEqual(['entityId']);
  });

  it('refuses unknown parameters', () => {
    const issues = issuesOf(ListQuery, { pageSize: '10' });
    expect(issues).toEqual([{ path: '(body)', message: expect.stringContaining('pageSize') }]);
  });

  it('lists several offending parameters at once', () => {
    const paths = issuesOf(ListQuery, { limit: '0', sort: 'name', order: 'sideways' }).map((i) => i.path);
    expect(paths.sort()).toEqual(['limit', 'order', 'sort']);
  });
});

describe('PatchFileBody', () => {
  it('accepts each documented field and nulls where allowed', () => {
    accepts(PatchFileBody, {
      description: null,
      originalName: 'renamed.pdf',
      category: 'other',
      recordType: null,
      entity: null,
      sharedWith: ['p2', 'p3'],
    });
    accepts(PatchFileBody, {});
  });

  it('refuses repeated users, more than 100, bad names and unknown fields', () => {
    expect(issuesOf(PatchFileBody, { sharedWith: ['a', 'a'] }).map((i) => i.path)).toEqual(['sharedWith']);
    expect(issuesOf(PatchFileBody, { sharedWith: Array.from({ length: 101 }, (_, i) => `u${i}`) }).map((i) => i.path)).toEqual(['sharedWith']);
    expect(issuesOf(PatchFileBody, { originalName: '../x' }).map((i) => i.path)).toEqual(['originalName']);
    expect(issuesOf(PatchFileBody, { ownerId: 'p2' })[0]!.message).toMatch(/ownerId/);
    expect(issuesOf(PatchFileBody, { description: 'x'.repeat(2001) }).map((i) => i.path)).toEqual(['description']);
  });
});
