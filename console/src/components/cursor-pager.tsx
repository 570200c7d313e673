/**
 * Cursor paging, both ways: the API hands out only the next cursor, so the cursors of the pages seen so far are
 * kept to go back.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';

export interface Pager {
  /** The cursor of the page shown (undefined: the first). */
  cursor: string | undefined;
  /** Back to the first page, e.g. when the filters change. */
  reset: () => void;
  controls: (nextCursor: string | null | undefined) => JSX.Element;
}

export function useCursorPager(): Pager {
  const [stack, setStack] = useState<(string | undefined)[]>([undefined]);
  const cursor = stack[stack.length - 1];
  return {
    cursor,
    reset: () => setStack([undefined]),
    controls: (nextCursor) => (
      <div class="pager">
        <button type="button" disabled={stack.length === 1} onClick={() => setStack(stack.slice(0, -1))}>
          Previous page
        </button>
        <span>Page {stack.length}</span>
        <button type="button" disabled={!nextCursor} onClick={() => nextCursor && setStack([...stack, nextCursor])}>
          Next page
        </button>
      </div>
    ),
  };
}
