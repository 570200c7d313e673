/**
 * Who is signed in. The token lives in memory and in sessionStorage (so a reload keeps the tab signed in and
 * closing it signs out); it never goes into a URL. The role and user id are read from the token's claims to
 * shape the UI only: the API decides what each request may do.
 */
import type { Role } from './config.ts';

export interface Session {
  token: string;
  userId: string;
  role: Role;
}

const KEY = 'medfiles.token';
const ROLES: readonly string[] = ['patient', 'provider', 'admin'];

/** The JWT payload's `sub` and `role`; an unreadable token or unknown role gets the least: a patient's view. */
export function sessionOf(token: string): Session {
  let claims: { sub?: unknown; role?: unknown } = {};
  try {
    const payload = token.split('.')[1] ?? '';
    claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as typeof claims;
  } catch {
    // Not a JWT we can read (an opaque token): the API still accepts or refuses it.
  }
  const role = typeof claims.role === 'string' && ROLES.includes(claims.role) ? (claims.role as Role) : 'patient';
  return { token, role, userId: typeof claims.sub === 'string' ? claims.sub : '' };
}

export function savedSession(): Session | undefined {
  const token = sessionStorage.getItem(KEY);
  return token ? sessionOf(token) : undefined;
}

export function saveSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(KEY, session.token);
  else sessionStorage.removeItem(KEY);
}
