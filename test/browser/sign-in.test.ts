/**
 * Signing in and what the page is: the sign-in form fast, each demo role's one-click sign-in and the views
 * its role gets (a service's too, and the role read from the claim config.json names), the "Access token"
 * field, signing out, a token the API refuses kept out (message and requestId shown), a token expiring while
 * signed in, the security headers, the size budget, and no token in any URL.
 */
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, consoleUrl, expectNoTokenInUrls, openConsole, signInAs, tokenFor, tokenWithClaims, type ConsoleTab, type Role } from './support/console-page.ts';

const DIST = fileURLToPath(new URL('../../console/dist/', import.meta.url));
const BUDGET_BYTES = 350 * 1024;

let tab: ConsoleTab;
beforeAll(async () => {
  tab = await openConsole();
});
afterAll(() => tab?.close());

const navItems = () => tab.page.getByRole('navigation', { name: 'Console' }).getByRole('button').allTextContents();

async function signOut(): Promise<void> {
  await tab.page.getByRole('button', { name: 'Sign out' }).click();
  await tab.page.getByLabel('Access token').waitFor();
}

describe('signing in', () => {
  it('shows the sign-in form within 3 s', async () => {
    const started = performance.now();
    await tab.page.goto(consoleUrl());
    await tab.page.getByLabel('Access token').waitFor({ state: 'visible' });
    await tab.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor({ state: 'visible' });
    expect(performance.now() - started).toBeLessThan(3000);
  });

  const views: Record<Role, string[]> = {
    patient: ['Files', 'File requests'],
    provider: ['Files', 'File requests'],
    admin: ['Files', 'File requests', 'Webhooks', 'Audit'],
  };
  for (const role of ['patient', 'provider', 'admin'] as const) {
    it(`signs in as the demo ${role} with one click, with the ${role}'s views only`, async () => {
      await signInAs(tab.page, role);
      expect(await navItems()).toEqual(views[role]);
      await tab.page.getByRole('heading', { name: 'Files', exact: true }).waitFor();
      await signOut();
    });
  }

  it('signs in with a token typed into the "Access token" field, and out again', async () => {
    const token = await tokenFor('provider', 'dr-typed-token');
    await tab.page.getByLabel('Access token').fill(token);
    await tab.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await tab.page.getByText('Signed in as dr-typed-token').waitFor();
    await signOut();
    expect(await tab.page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('keeps a token the API refuses out, showing the API message and requestId in an alert', async () => {
    const { page } = tab;
    await page.getByLabel('Access token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.getByText('requestId').waitFor();
    expect(await alert.textContent()).toMatch(/requestId: [\w-]{8,}/);
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    // Signing in properly afterwards clears the refusal.
    await signInAs(page, 'patient');
    expect((await alert.textContent())?.trim()).toBe('');
  });

  it('signs out, saying why, when the token stops working while signed in', async () => {
    const { page } = tab;
    // As when the token expires: the one the tab holds is now past its `exp` (beyond the API's clock skew).
    const expired = await tokenFor('patient', 'demo-patient', -120);
    await page.evaluate((token) => sessionStorage.setItem('medfiles.token', token), expired);
    await page.getByRole('button', { name: 'File requests' }).click();
    await page.getByText('You were signed out').waitFor();
    await page.getByLabel('Access token').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/requestId: [\w-]{8,}/);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('gives a service the admin views (without permanent delete)', async () => {
    const { page } = tab;
    await page.getByLabel('Access token').fill(await tokenWithClaims({ sub: 'billing-sync', tenant: 'demo', role: 'service' }));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('Signed in as billing-sync').waitFor();
    expect(await navItems()).toEqual(['Files', 'File requests', 'Webhooks', 'Audit']);
    expect(await page.getByText('(service, tenant demo)').count()).toBe(1);
    await signOut();
  });

  it('reads the role and tenant from the claims config.json names', async () => {
    const { page } = tab;
    // A deployment whose issuer puts them in `custom:role` / `custom:tenant` (Cognito): the API reads `role`,
    // the console, told so, the custom claims; they differ here so the test shows which one it read.
    await page.route('**/console/config.json', async (route) => {
      const config = (await (await route.fetch()).json()) as Record<string, unknown>;
      await route.fulfill({ json: { ...config, roleClaim: 'custom:role', tenantClaim: 'custom:tenant' } });
    });
    try {
      await page.reload();
      const token = await tokenWithClaims({ sub: 'dr-custom', tenant: 'demo', role: 'patient', 'custom:role': 'admin', 'custom:tenant': 'clinic-7' });
      await page.getByLabel('Access token').fill(token);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByText('Signed in as dr-custom').waitFor();
      expect(await navItems()).toEqual(['Files', 'File requests', 'Webhooks', 'Audit']);
      expect(await page.getByText('(admin, tenant clinic-7)').count()).toBe(1);
      await signOut();
    } finally {
      await page.unrouteAll();
    }
  });

  it('never put a token it held in a URL', () => {
    expectNoTokenInUrls(tab);
  });
});

describe('the page', () => {
  it('sends a strict Content-Security-Policy, nosniff and no framing, for every console file', async () => {
    for (const path of ['', 'app.js', 'app.css', 'config.json']) {
      const res = await fetch(`${consoleUrl()}${path}`);
      expect(res.status, path).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    const bare = await fetch(`${baseUrl()}/console`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/console/');
  });

  it('offers the demo tokens from the local runtime, for same-origin API calls', async () => {
    const config = (await (await fetch(`${consoleUrl()}config.json`)).json()) as { apiUrl: string; demoTokens: Record<string, string> };
    expect(config.apiUrl).toBe('');
    expect(Object.keys(config.demoTokens).sort()).toEqual(['admin', 'patient', 'provider']);
  });

  it('is at most 350 KB of HTML, JS and CSS before compression', async () => {
    const sizes = await Promise.all(['index.html', 'app.js', 'app.css'].map(async (name) => (await stat(`${DIST}${name}`)).size));
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
