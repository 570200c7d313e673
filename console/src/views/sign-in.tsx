/**
 * Sign-in with an access token, and locally (when config.json carries demo tokens) one button per demo user.
 * A form that posts nowhere: the token stays in the page, never in a URL. The shell checks the token with the
 * API before accepting it; a refusal is shown in the error region passed as `children`.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { ConsoleConfig, Role } from '../config.ts';
import { useMountFocus } from '../use-mount-focus.ts';

const DEMO_ROLES: readonly Role[] = ['patient', 'provider', 'admin'];

export function SignIn({
  demoTokens,
  onSignIn,
  children,
}: {
  demoTokens: ConsoleConfig['demoTokens'];
  onSignIn: (token: string) => Promise<void>;
  children: ComponentChildren;
}) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const heading = useMountFocus<HTMLHeadingElement>();
  const demos = DEMO_ROLES.filter((role) => demoTokens?.[role]);
  const submit = async (value: string) => {
    setBusy(true);
    await onSignIn(value);
    setBusy(false);
  };
  return (
    <main class="sign-in">
      <h1 tabIndex={-1} ref={heading}>
        MedFiles Console
      </h1>
      {children}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (token.trim()) void submit(token.trim());
        }}
      >
        <label for="token">Access token</label>
        <input id="token" type="password" autocomplete="off" required value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      {demos.length > 0 && (
        <section aria-labelledby="demo-heading">
          <h2 id="demo-heading">Local demo users</h2>
          <p>This runtime is local: sign in as one of its demo users.</p>
          {demos.map((role) => (
            <button key={role} type="button" disabled={busy} onClick={() => void submit(demoTokens![role]!)}>
              Sign in as demo {role}
            </button>
          ))}
        </section>
      )}
    </main>
  );
}
