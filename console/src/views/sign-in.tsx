/**
 * Sign-in with an access token, and locally (when config.json carries demo tokens) one button per demo user.
 * A form that posts nowhere: the token stays in the page, never in a URL.
 */
import { useState } from 'preact/hooks';
import type { ConsoleConfig, Role } from '../config.ts';

const DEMO_ROLES: readonly Role[] = ['patient', 'provider', 'admin'];

export function SignIn({ demoTokens, onSignIn }: { demoTokens: ConsoleConfig['demoTokens']; onSignIn: (token: string) => void }) {
  const [token, setToken] = useState('');
  const demos = DEMO_ROLES.filter((role) => demoTokens?.[role]);
  return (
    <main class="sign-in">
      <h1>MedFiles Console</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (token.trim()) onSignIn(token.trim());
        }}
      >
        <label for="token">Access token</label>
        <input id="token" type="password" autocomplete="off" required value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        <button type="submit">Sign in</button>
      </form>
      {demos.length > 0 && (
        <section aria-labelledby="demo-heading">
          <h2 id="demo-heading">Local demo users</h2>
          <p>This runtime is local: sign in as one of its demo users.</p>
          {demos.map((role) => (
            <button key={role} type="button" onClick={() => onSignIn(demoTokens![role]!)}>
              Sign in as demo {role}
            </button>
          ))}
        </section>
      )}
    </main>
  );
}
