/**
 * The console's configuration as `npm start` serves it (local/console.ts): the API on the same origin, the token
 * claim names the functions read, and the demo users' tokens only for a request from this machine by a loopback
 * name: a page whose DNS name was re-pointed at 127.0.0.1 (DNS rebinding) is same-origin with it, but gets none.
 */
import { describe, expect, it } from 'vitest';
import { baseUrl, rawRequest } from '../support/e2e-client.ts';

const config = async (host?: string) => {
  const res = await rawRequest({ path: '/console/config.json', headers: host ? { host } : {} });
  expect(res.status).toBe(200);
  expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  return JSON.parse(res.text) as { apiUrl: string; tenantClaim: string; roleClaim: string; demoTokens?: Record<string, string> };
};

describe('the console configuration under npm start', () => {
  it('offers the demo tokens to this machine, with the claim names', async () => {
    const { port } = new URL(baseUrl());
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const got = await config(host);
      expect(got).toMatchObject({ apiUrl: '', tenantClaim: 'tenant', roleClaim: 'role' });
      expect(Object.keys(got.demoTokens ?? {}).sort()).toEqual(['admin', 'patient', 'provider']);
    }
  });

  it('offers none to a request by any other name, even on the loopback address', async () => {
    for (const host of ['evil.example', 'evil.example:80', '127.0.0.1.nip.io']) {
      const got = await config(host);
      expect(got.demoTokens, host).toBeUndefined();
      expect(got.apiUrl).toBe('');
    }
  });
});
