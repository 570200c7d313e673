/**
 * The shell: sign-in when nobody is, else a header with the views the role may use (a patient: files and its
 * requests; staff: file requests too; admins: webhooks and audit), the error region and the current view.
 */
import { useMemo, useState } from 'preact/hooks';
import { MedFilesClient } from '@medfiles/client';
import { ErrorRegion } from './components/error-region.tsx';
import type { ConsoleConfig, Role } from './config.ts';
import { Console } from './context.ts';
import { savedSession, saveSession, sessionOf, type Session } from './session.ts';
import { AuditView } from './views/audit-view.tsx';
import { FileRequestsView } from './views/file-requests-view.tsx';
import { FilesView } from './views/files-view.tsx';
import { SignIn } from './views/sign-in.tsx';
import { WebhooksView } from './views/webhooks-view.tsx';

type View = 'files' | 'requests' | 'webhooks' | 'audit';

const NAV: { view: View; label: string; roles: readonly Role[] }[] = [
  { view: 'files', label: 'Files', roles: ['patient', 'provider', 'admin'] },
  { view: 'requests', label: 'File requests', roles: ['patient', 'provider', 'admin'] },
  { view: 'webhooks', label: 'Webhooks', roles: ['admin'] },
  { view: 'audit', label: 'Audit', roles: ['admin'] },
];

export function App({ config }: { config: ConsoleConfig }) {
  const [session, setSession] = useState<Session | undefined>(savedSession);
  const [view, setView] = useState<View>('files');
  // Each nav click opens its view afresh (the list, not the file that was open; data loaded again).
  const [visit, setVisit] = useState(0);
  const [error, setError] = useState<unknown>(undefined);
  // The token is asked for at each request, so one client serves whoever is signed in.
  const client = useMemo(
    () => new MedFilesClient({ baseUrl: config.apiUrl || location.origin, token: () => savedSession()?.token ?? '' }),
    [config.apiUrl],
  );

  const signIn = (token: string) => {
    const next = sessionOf(token);
    saveSession(next);
    setError(undefined);
    setView('files');
    setSession(next);
  };
  const signOut = () => {
    saveSession(undefined);
    setError(undefined);
    setSession(undefined);
  };

  if (!session) return <SignIn demoTokens={config.demoTokens} onSignIn={signIn} />;
  const nav = NAV.filter((item) => item.roles.includes(session.role));
  return (
    <Console.Provider value={{ client, session, report: setError }}>
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
          Signed in as <strong>{session.userId || 'unknown user'}</strong> ({session.role}){' '}
          <button type="button" onClick={signOut}>
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
