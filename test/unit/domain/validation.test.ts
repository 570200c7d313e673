/** Turning zod results into the contract's 422 body, and path id checks. */
import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors.ts';
import { isUuid, parseOrThrow, requireUuid, zodIssues } from '../../../shared/domain/validation.ts';

describe('parseOrThrow', () => {
  const schema = z.strictObject({ a: z.number(), b: z.object({ c: z.string() }) });

  it('returns the parsed value', () => {
    expect(parseOrThrow(schema, { a: 1, b: { c: 'x' } })).toEqual({ a: 1, b: { c: 'x' } });
  });

  it('throws one 422 with every issue, by dotted path, plus extra issues', () => {
    try {
      parseOrThrow(schema, { a: 'x', b: { c: 1 }, d: true }, [{ path: 'files.0.contents', message: 'file is empty' }]);
      expect.fail('expected a ValidationError');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const details = (error as ValidationError).details;
      expect(details).toEqual([
        { path: 'a', message: expect.any(String) },
        { path: 'b.c', message: expect.any(String) },
        { path: '(body)', message: 'unknown field(s): d' },
        { path: 'files.0.contents', message: 'file is empty' },
      ]);
    }
  });

  it('throws for extra issues even when the schema passes', () => {
    expect(() => parseOrThrow(schema, { a: 1, b: { c: 'x' } }, [{ path: 'x', message: 'm' }])).toThrow(ValidationError);
  });

  it('prefixes paths', () => {
    const result = z.object({ n: z.string() }).safeParse({ n: 1 });
    expect(result.success).toBe(false);
    expect(zodIssues(result.error!, 'query')).toEqual([{ path: 'query.n', message: expect.any(String) }]);
  });
});

describe('path ids', () => {
  it('accepts any UUID, case-insensitively, and lower-cases it', () => {
    expect(requireUuid('0193A5C2-7B4E-7000-8000-00000000ABCD')).toBe('0193a5c2-7b4e-7000-8000-00000000abcd');
    expect(isUuid('6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b')).toBe(true);
  });

  it.each([undefined, '', 'abc', '0193a5c2-7b4e-7000-8000-00000000abc', '0193a5c2-7b4e-7000-8000-00000000abcdx', '../etc/passwd', '0193a5c27b4e700080000000000abcd0'])(
    '%j is 422 on the id',
    (value) => {
      expect(() => requireUuid(value)).toThrow(expect.objectContaining({ status: 422, details: [{ path: 'id', message: 'must be a UUID' }] }));
    },
  );
});
