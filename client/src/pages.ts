/**
 * Lists come a page at a time with an opaque `nextCursor`; `eachItem` walks the cursors and yields the items, so
 * callers write `for await (const file of client.files.list())`. A page is fetched only when the previous
 * one is used up, and breaking out of the loop fetches nothing more.
 */
export interface Page {
  nextCursor: string | null;
}

export async function* eachItem<Q extends { cursor?: string }, P extends Page, T>(
  fetchPage: (query: Q) => Promise<P>,
  query: Q,
  items: (page: P) => readonly T[],
): AsyncGenerator<T, void, undefined> {
  let cursor = query.cursor;
  do {
    const page = await fetchPage({ ...query, cursor });
    yield* items(page);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}
