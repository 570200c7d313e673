/** Walking cursors: every item once, pages fetched only as they are needed. */
import { describe, expect, it } from 'vitest';
import { eachItem } from '../../../client/src/pages.ts';

const pages: Record<string, { items: number[]; nextCursor: string | null }> = {
  start: { items: [1, 2], nextCursor: 'b' },
  b: { items: [3, 4], nextCursor: 'c' },
  c: { items: [5], nextCursor: null },
};

function fetcher() {
  const asked: (string | undefined)[] = [];
  const fetchPage = async (query: { cursor?: string; limit?: number }) => {
    asked.push(query.cursor);
    expect(query.limit).toBe(2);
    return pages[query.cursor ?? 'start']!;
  };
  return { asked, fetchPage };
}

describe('eachItem', () => {
  it('yields every item of every page, following nextCursor until null, keeping the other query fields', async () => {
    const { asked, fetchPage } = fetcher();
    const items: number[] = [];
    for await (const item of eachItem(fetchPage, { limit: 2 }, (p) => p.items)) items.push(item);
    expect(items).toEqual([1, 2, 3, 4, 5]);
    expect(asked).toEqual([undefined, 'b', 'c']);
  });

  it('starts at a given cursor and fetches no further than the caller reads', async () => {
    const { asked, fetchPage } = fetcher();
    for await (const item of eachItem(fetchPage, { limit: 2, cursor: 'b' }, (p) => p.items)) if (item === 3) break;
    expect(asked).toEqual(['b']);
  });
});
