/**
 * Moves focus to an element (a view's heading, `tabIndex={-1}`) when it first renders: replacing a view
 * removes the focused control, and focus would otherwise fall to <body>, leaving keyboard and screen-reader
 * users at the top of the page with nothing said.
 */
import { useEffect, useRef } from 'preact/hooks';

export function useMountFocus<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}
