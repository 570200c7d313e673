/**
 * The console's runtime configuration, `config.json` beside index.html: where the API is, which token claims
 * carry the role and tenant (the API's MEDFILES_CLAIM_ROLE / MEDFILES_CLAIM_TENANT, e.g. Cognito's
 * `custom:role`), and (only from the local runtime, never from a deployed stack) the demo users' tokens.
 * Fetched at start, so one build serves every deployment.
 */
export type Role = 'patient' | 'provider' | 'admin' | 'service';

export interface ConsoleConfig {
  /** The API's origin (and stage path); empty: the console's own origin. */
  apiUrl: string;
  /** The claim holding the role; absent: `role`. */
  roleClaim?: string;
  /** The claim holding the tenant; absent: `tenant`. */
  tenantClaim?: string;
  demoTokens?: Partial<Record<Role, string>>;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json could not be read (HTTP ${response.status})`);
  return (await response.json()) as ConsoleConfig;
}
