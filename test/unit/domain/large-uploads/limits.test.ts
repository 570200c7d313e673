/** How a large upload is cut into parts, and which parts list completes it. */
import { describe, expect, it } from 'vitest';
import { checkedParts, MAX_PARTS, partSizeFor, planParts } from '../../../../shared/domain/large-uploads/limits.ts';

const MiB = 1024 * 1024;

describe('partSizeFor', () => {
  it('is at least 8 MiB and keeps every upload within 10,000 parts', () => {
    expect(partSizeFor(101 * MiB)).toBe(8 * MiB);
    expect(Math.ceil((5 * 1024 * MiB) / partSizeFor(5 * 1024 * MiB))).toBe(640);
    const huge = 100 * 1024 * MiB;
    expect(Math.ceil(huge / partSizeFor(huge))).toBeLessThanOrEqual(MAX_PARTS);
    expect(partSizeFor(huge) % MiB).toBe(0);
  });
});

describe('planParts', () => {
  it('sends up to the single-PUT limit as one PUT of the whole file, and parts above it', () => {
    expect(planParts(100 * MiB)).toEqual({ multipart: false, partSize: 100 * MiB, partCount: 1 });
    expect(planParts(100 * MiB + 1)).toEqual({ multipart: true, partSize: 8 * MiB, partCount: 13 });
    expect(planParts(3 * MiB, 2 * MiB, MiB)).toEqual({ multipart: true, partSize: MiB, partCount: 3 });
  });
});

describe('checkedParts', () => {
  it('takes every part once, in order; anything else is 422 on parts', () => {
    const parts = [1, 2, 3].map((partNumber) => ({ partNumber, etag: `e${partNumber}` }));
    expect(checkedParts(parts, 3)).toEqual(parts);
    for (const wrong of [undefined, parts.slice(0, 2), [parts[1]!, parts[0]!, parts[2]!], [...parts, parts[2]!]]) {
      expect(() => checkedParts(wrong, 3)).toThrow(expect.objectContaining({ status: 422, details: [expect.objectContaining({ path: 'parts' })] }));
    }
  });
});
