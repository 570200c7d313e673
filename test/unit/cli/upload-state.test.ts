/** Whose uploads a state record is for: the account read from the token (not verified), else the token itself. */
import { describe, expect, it } from 'vitest';
import { accountOf } from '../../../client/src/cli/upload-state.ts';

const jwt = (claims: Record<string, unknown>) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2lnbmF0dXJl`;

describe('accountOf', () => {
  it('is the subject and tenant: the same for a refreshed token of the same user', () => {
    const first = accountOf(jwt({ sub: 'patient-1', tenant: 't-1', iat: 1, exp: 2 }));
    expect(accountOf(jwt({ sub: 'patient-1', tenant: 't-1', iat: 100, exp: 200, role: 'patient' }))).toBe(first);
    expect(accountOf(jwt({ sub: 'patient-2', tenant: 't-1' }))).not.toBe(first);
    expect(accountOf(jwt({ sub: 'patient-1', tenant: 't-2' }))).not.toBe(first);
    expect(accountOf(jwt({ sub: 'patient-1', 'custom:tenant': 't-2' }))).not.toBe(accountOf(jwt({ sub: 'patient-1', 'custom:tenant': 't-3' })));
  });

  it('is the whole token when it is no readable JWT with a subject, and "anonymous" without one', () => {
    expect(accountOf('opaque-a')).not.toBe(accountOf('opaque-b'));
    expect(accountOf('a.%%%.b')).not.toBe(accountOf('a.%%%.c'));
    expect(accountOf(jwt({ tenant: 't-1' }))).not.toBe(accountOf(jwt({ tenant: 't-1', x: 1 })));
    expect(accountOf(undefined)).toBe(accountOf(undefined));
    expect(accountOf(undefined)).not.toBe(accountOf('anonymous'));
  });
});
