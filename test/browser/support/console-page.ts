/**
 * A console tab for a test: its own browser context on the shared Chromium, every URL it requested and every
 * token it really used (Authorization headers it sent, the demo tokens config.json gave it), to check that no
 * token is ever in a URL; Content-Security-Policy refusals it logged, which `close()` asserts are none (the
 * policy must allow all the app does); dialogs accepted (the console confirms destructive actions); and
 * helpers to sign in and to call the API directly for setting up data.
 */
import { MedFilesClient } from '@medfiles/client';
import { SignJWT } from 'jose';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { mintToken } from '../../../local/tokens.ts';

export type Role = 'patient' | 'provider' | 'admin';

export const baseUrl = (): string => inject('browserBaseUrl');
export const consoleUrl = (): string => `${baseUrl()}/console/`;

/** The demo tenant's users, as the runtime's demo buttons sign them in. */
export const DEMO_USER: Record<Role, string> = { patient: 'demo-patient', provider: 'demo-provider', admin: 'demo-admin' };

export const tokenFor = (role: Role, sub = DEMO_USER[role], ttlSeconds?: number): Promise<string> =>
  mintToken(inject('browserJwtSecret'), { sub, tenant: 'demo', role }, ttlSeconds);

/** A token with any claims (a `service` role, a claim under another name), signed as the runtime's are. */
export const tokenWithClaims = (claims: Record<string, string>): Promise<string> =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(inject('browserJwtSecret')));

/** An API client acting as a user of the demo tenant, to set up what a test looks at. */
export async function apiAs(role: Role, sub?: string): Promise<MedFilesClient> {
  const token = await tokenFor(role, sub);
  return new MedFilesClient({ baseUrl: baseUrl(), token });
}

/** One connection per test file, shared by its tabs. */
let browser: Promise<Browser> | undefined;

export interface ConsoleTab {
  page: Page;
  /** Every URL the page requested so far. */
  requested: string[];
  /** Every token the page held: sent as a bearer token, or handed to it by config.json. */
  tokens: Set<string>;
  /** Console messages and page errors about the Content-Security-Policy refusing something. */
  cspViolations: string[];
  /** Closes the tab, failing when the policy refused anything the page tried. */
  close(): Promise<void>;
}

const CSP_REFUSAL = /Content Security Policy|Refused to/i;

export async function openConsole(): Promise<ConsoleTab> {
  browser ??= chromium.connect(inject('browserWsEndpoint'));
  const context = await (await browser).newContext({ viewport: { width: 1280, height: 900 } });
  // Local, but sharing two cores with the other test projects (three files run at once): a step that takes longer
  // than this is stuck.
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const requested: string[] = [];
  const tokens = new Set<string>();
  const cspViolations: string[] = [];
  page.on('request', (request) => {
    requested.push(request.url());
    const bearer = /^Bearer (.+)$/.exec(request.headers().authorization ?? '');
    if (bearer) tokens.add(bearer[1]!);
  });
  page.on('response', async (response) => {
    if (!response.url().endsWith('/console/config.json') || !response.ok()) return;
    const config = (await response.json().catch(() => ({}))) as { demoTokens?: Record<string, string> };
    for (const token of Object.values(config.demoTokens ?? {})) tokens.add(token);
  });
  page.on('console', (message) => CSP_REFUSAL.test(message.text()) && cspViolations.push(message.text()));
  page.on('pageerror', (error) => CSP_REFUSAL.test(error.message) && cspViolations.push(error.message));
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(consoleUrl());
  return {
    page,
    requested,
    tokens,
    cspViolations,
    close: async () => {
      try {
        expect(cspViolations).toEqual([]);
      } finally {
        await context.close();
      }
    },
  };
}

/** Signs in with the local runtime's demo button for `role` and waits for the console. */
export async function signInAs(page: Page, role: Role): Promise<void> {
  await page.getByRole('button', { name: `Sign in as demo ${role}` }).click();
  await page.getByText(`Signed in as ${DEMO_USER[role]}`).waitFor();
}

/** No token the page held, nor anything shaped like a JWT, in any URL it requested. */
export function expectNoTokenInUrls(tab: ConsoleTab): void {
  expect(tab.requested.length).toBeGreaterThan(0);
  expect(tab.tokens.size).toBeGreaterThan(0);
  for (const url of tab.requested) {
    expect(url).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+/);
    for (const token of tab.tokens) expect(url).not.toContain(token);
  }
}
