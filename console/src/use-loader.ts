/**
 * Loads data for a view when its inputs change, reporting failures; a later load wins over an earlier one
 * still in flight. `reload()` loads again with the same inputs (after a change the user made).
 */
import { useEffect, useState } from 'preact/hooks';
import { useConsole } from './context.ts';

export function useLoader<T>(load: () => Promise<T>, inputs: readonly unknown[]): { data: T | undefined; loading: boolean; reload: () => void } {
  const { report } = useConsole();
  const [data, setData] = useState<T | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let current = true;
    setLoading(true);
    load().then(
      (result) => current && (setData(result), setLoading(false)),
      (error: unknown) => current && (report(error), setLoading(false)),
    );
    return () => {
      current = false;
    };
  }, [...inputs, version]);
  return { data, loading, reload: () => setVersion((v) => v + 1) };
}
