/**
 * The local runtime's demo users, one per role, and their tokens: printed by `npm start` and handed to the
 * console's sign-in buttons (local/console.ts). Only the local runtime mints them; a deployed stack has none.
 */
import { mintToken } from './tokens.ts';

export const DEMO_TENANT = 'demo';

export type DemoRole = 'patient' | 'provider' | 'admin';

const DEMO_USERS: readonly { sub: string; role: DemoRole }[] = [
  { sub: 'demo-patient', role: 'patient' },
  { sub: 'demo-provider', role: 'provider' },
  { sub: 'demo-admin', role: 'admin' },
];

/** Fresh 12-hour tokens of the demo tenant's patient, provider and admin. */
export async function mintDemoTokens(jwtSecret: string): Promise<Record<DemoRole, string>> {
  const tokens = await Promise.all(DEMO_USERS.map(async (user) => [user.role, await mintToken(jwtSecret, { ...user, tenant: DEMO_TENANT })] as const));
  return Object.fromEntries(tokens) as Record<DemoRole, string>;
}
