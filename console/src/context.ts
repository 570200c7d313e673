/**
 * What every view needs: the client, who is signed in, and where to report an error (the role=alert region at
 * the top of the page).
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { MedFilesClient } from '@medfiles/client';
import type { Session } from './session.ts';

export interface ConsoleContext {
  client: MedFilesClient;
  session: Session;
  /** Shows an error (message and requestId); `undefined` clears it. */
  report: (error: unknown) => void;
}

export const Console = createContext<ConsoleContext | undefined>(undefined);

export function useConsole(): ConsoleContext {
  const value = useContext(Console);
  if (!value) throw new Error('useConsole outside the signed-in console');
  return value;
}

/**
 * Runs an action and reports its failure; clears an earlier error first, so what is shown is about the last
 * thing the user did. Resolves to the action's result, or undefined when it failed.
 */
export function useAction(): <T>(action: () => Promise<T>) => Promise<T | undefined> {
  const { report } = useConsole();
  return async (action) => {
    report(undefined);
    try {
      return await action();
    } catch (error) {
      report(error);
      return undefined;
    }
  };
}
