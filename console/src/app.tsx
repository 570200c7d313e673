/**
 * The shell: sign-in when nobody is, else a header with the views the role may use (a patient: files and its
 * requests; staff: file requests too; admins and services: webhooks and audit), the error region and the
 * current view. A token is checked with one unaudited call before it is accepted; a 401 later (the token
 * expired or was revoked) signs out, saying why.
 */
import { useMemo, useState } from 'preact/hooks';
import { MedFilesClient, MedFilesError } from '@medfiles/client';
import { ErrorRegion } from './components/error-region.tsx';
import type { ConsoleConfig, Role } from './config.ts';
import { Console } from './context.ts';
import { isAdministrator, savedToken, saveSession, sessionOf, type Session } from './session.ts';
import { AuditView } from './views/audit-view.tsx';
import { FileRequestsView } from './views/file-requests-view.tsx';
import { FilesView } from './views/files-view.tsx';
import { SignIn } from './views/sign-in.tsx';
import { WebhooksView } from './views/webhooks-view.tsx';

type View = 'files' | 'requests' | 'webhooks' | 'audit';

const NAV: { view: View; label: string; shown: (role: Role) => boolean }[] = [
  { view: 'files', label: 'Files', shown: () => true },
  { view: 'requests', label: 'File requests', shown: () => true },
  { view: 'webhooks', label: 'Webhooks', shown: isAdministrator },
  { view: 'audit', label: 'Audit', shown: isAdministrator },
];

const SIGNED_OUT = 'You were signed out: the API no longer accepts the token (it may have expired). Sign in again.';

const refused = (error: unknown): boolean => error instanceof MedFilesError && error.status === 401;

export function App({ config }: { config: ConsoleConfig }) {
  const [session, setSession] = useState<Session | undefined>(() => {
    const token = savedToken();
    return token ? sessionOf(token, config) : undefined;
  });
  const [view, setView] = useState<View>('files');
  // Each nav click opens its view afresh (the list, not the file that was open; data loaded again).
  const [visit, setVisit] = useState(0);
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const baseUrl = config.apiUrl || location.origin;
  // The token is asked for at each request, so one client serves whoever is signed in.
  const client = useMemo(() => new MedFilesClient({ baseUrl, token: () => savedToken() ?? '' }), [baseUrl]);

  const signOut = (why?: string) => {
    saveSession(undefined);
    setNotice(why);
    setSession(undefined);
  };
  /** Listing file requests is cheap and writes no audit record: it tells whether the API accepts the token. */
  const signIn = async (token: string) => {
    setError(undefined);
    setNotice(undefined);
    try {
      await new MedFilesClient({ baseUrl, token }).fileRequests.listPage({ limit: 1 });
    } catch (failure) {
      setError(failure);
      return;
    }
    const next = sessionOf(token, config);
    saveSession(next);
    setView('files');
    setSession(next);
  };
  const report = (failure: unknown) => {
    setError(failure);
    if (refused(failure)) signOut(SIGNED_OUT);
  };

  if (!session) {
    return (
      <SignIn demoTokens={config.demoTokens} onSignIn={signIn}>
        {notice && <p class="notice">{notice}</p>}
        <ErrorRegion error={error} />
      </SignIn>
    );
  }
  const nav = NAV.filter((item) => item.shown(session.role));
  return (
    <Console.Provider value={{ client, session, report }}>
      <header class="top">
        <h1>MedFiles Console</h1>
        <nav aria-label="Console">
          <ul>
            {nav.map((item) => (
              <li key={item.view}>
                <button type="button" aria-current={view === item.view ? 'page' : undefined} onClick={() => (setError(undefined), setView(item.view), setVisit(visit + 1))}>
                  {item.label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <p class="who">
          Signed in as <strong>{session.userId || 'unknown user'}</strong> ({session.role}
          {session.tenant && `, tenant ${session.tenant}`}){' '}
          <button type="button" onClick={() => (setError(undefined), signOut())}>
            Sign out
          </button>
        </p>
      </header>
      <ErrorRegion error={error} />
      <main key={visit}>
        {view === 'files' && <FilesView />}
        {view === 'requests' && <FileRequestsView />}
        {view === 'webhooks' && <WebhooksView />}
        {view === 'audit' && <AuditView />}
      </main>
    </Console.Provider>
  );
}
