/**
 * Who is signed in. The token lives in memory and in sessionStorage (so a reload keeps the tab signed in and
 * closing it signs out); it never goes into a URL. The role, tenant and user id are read from the token's
 * claims (named as the API is configured to read them) to shape the UI only: the API decides what each
 * request may do.
 */
import type { ConsoleConfig, Role } from './config.ts';

export interface Session {
  token: string;
  userId: string;
  tenant: string;
  role: Role;
}

const KEY = 'medfiles.token';
const ROLES: readonly string[] = ['patient', 'provider', 'admin', 'service'];

/** Staff: every file of the tenant, restore, file requests they make. */
export const isStaff = (role: Role): boolean => role !== 'patient';

/** Permanent delete is the admin's alone (a service is an admin without it). */
export const mayDeletePermanently = (role: Role): boolean => role === 'admin';

/** Webhooks and the audit trail: admins and services. */
export const isAdministrator = (role: Role): boolean => role === 'admin' || role === 'service';

/**
 * The JWT payload's `sub` and the configured role and tenant claims; an unreadable token or unknown role gets
 * the least: a patient's view.
 */
export function sessionOf(token: string, config: Pick<ConsoleConfig, 'roleClaim' | 'tenantClaim'>): Session {
  let claims: Record<string, unknown> = {};
  try {
    const payload = token.split('.')[1] ?? '';
    claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
  } catch {
    // Not a JWT we can read (an opaque token): the API still accepts or refuses it.
  }
  const text = (name: string): string => (typeof claims[name] === 'string' ? (claims[name] as string) : '');
  const role = text(config.roleClaim || 'role');
  return { token, role: ROLES.includes(role) ? (role as Role) : 'patient', tenant: text(config.tenantClaim || 'tenant'), userId: text('sub') };
}

/** The token this tab signed in with, asked for at each request. */
export const savedToken = (): string | undefined => sessionStorage.getItem(KEY) ?? undefined;

export function saveSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(KEY, session.token);
  else sessionStorage.removeItem(KEY);
}
