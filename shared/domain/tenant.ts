/** What a tenant id may be, once for every place one enters: a token's claim, a bus event, the thumbnail invoke. */
import * as z from 'zod/mini';

/** Tenant ids end up in storage keys, table keys and events: a safe alphabet, 1–64 characters. */
export const TenantId = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/));
