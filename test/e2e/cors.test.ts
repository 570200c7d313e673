/**
 * CORS of the local API (issue 9, API.md "Browsers"), on a runtime started with MEDFILES_CORS_ORIGINS: preflights
 * and actual requests from an allowed origin get the contract's headers; a refused origin, and every origin when
 * the variable is unset (the shared e2e runtime), get none. The template's settings: test/infra/cors.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, mintToken, newTenant } from '../support/e2e-client.ts';
import { startRuntime, type Runtime } from '../support/e2e-runtime.ts';

const SECRET = 'cors-e2e-secret-0123456789abcdefghijklmn';
const ALLOWED = 'http://app.allowed.test:5173';
const REFUSED = 'http://evil.test';

let runtime: Runtime;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'medfiles-e2e-cors-'));
  runtime = await startRuntime({ dataDir, jwtSecret: SECRET, env: { MEDFILES_CORS_ORIGINS: `${ALLOWED},HTTPS://Other.Allowed.test` } });
});
afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const preflight = (base: string, origin: string, path = '/v1/files/0190b6d4-0000-7000-8000-000000000000') =>
  fetch(`${base}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,content-type,if-match' },
  });
const corsOf = (res: Response) => Object.fromEntries([...res.headers].filter(([name]) => name.startsWith('access-control-')));

describe('CORS of the local API', () => {
  it('answers a preflight from an allowed origin with the methods and headers of the contract', async () => {
    const res = await preflight(runtime.url, ALLOWED);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('access-control-allow-methods')!.split(',').sort()).toEqual(['DELETE', 'GET', 'PATCH', 'POST', 'PUT']);
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization,content-type,if-match');
    expect(res.headers.get('vary')).toMatch(/origin/i);
    // Origins are configured in any case; browsers send them in lower case.
    expect((await preflight(runtime.url, 'https://other.allowed.test')).headers.get('access-control-allow-origin')).toBe('https://other.allowed.test');
  });

  it('exposes ETag, Location and X-Request-Id to an allowed origin on an actual request, errors included', async () => {
    const token = await mintToken({ tenant: newTenant('cors'), sub: 'provider-1', role: 'provider' }, { secret: SECRET });
    const ok = await fetch(`${runtime.url}/v1/files`, { headers: { origin: ALLOWED, authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(ok.headers.get('access-control-expose-headers')).toBe('etag,location,x-request-id');
    const denied = await fetch(`${runtime.url}/v1/files`, { headers: { origin: ALLOWED } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  });

  it('gives a refused origin no CORS headers at all, on preflights and on requests', async () => {
    const pre = await preflight(runtime.url, REFUSED);
    expect(corsOf(pre)).toEqual({});
    const res = await fetch(`${runtime.url}/v1/health`, { headers: { origin: REFUSED } });
    expect(res.status).toBe(200);
    expect(corsOf(res)).toEqual({});
    // Still `Vary: Origin`: a cache must not hand this answer to an allowed origin, nor an allowed one's to this.
    expect(res.headers.get('vary')).toMatch(/origin/i);
    // An origin that only starts like an allowed one is another origin.
    expect(corsOf(await preflight(runtime.url, `${ALLOWED}.evil.test`))).toEqual({});
  });

  it('configures its embedded S3 server the same way: a browser on an allowed origin may PUT straight to it', async () => {
    const s3 = runtime.output.join('\n').match(/S3 (http:\/\/\S+),/)?.[1];
    expect(s3, runtime.output.join('\n')).toBeDefined();
    const storagePreflight = (origin: string) =>
      fetch(`${s3}/medfiles-local/tenants/t/files/f/content`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
      });
    const allowed = await storagePreflight(ALLOWED);
    // s3rver answers an allowed origin with `*` where S3 echoes the origin; for a browser without credentials, the same.
    expect([ALLOWED, '*']).toContain(allowed.headers.get('access-control-allow-origin'));
    expect(allowed.headers.get('access-control-allow-methods')).toMatch(/PUT/);
    expect(corsOf(await storagePreflight(REFUSED))['access-control-allow-origin']).toBeUndefined();
  });

  it('without MEDFILES_CORS_ORIGINS (the shared runtime) there is no CORS for anyone', async () => {
    const res = await fetch(`${baseUrl()}/v1/health`, { headers: { origin: ALLOWED } });
    expect(corsOf(res)).toEqual({});
    expect(corsOf(await preflight(baseUrl(), ALLOWED))).toEqual({});
  });
});
