/**
 * A console tab for a test: its own browser context on the shared Chromium, every URL it requested (to check
 * that no token is ever in one), dialogs accepted (the console confirms destructive actions), and helpers to
 * sign in and to call the API directly for setting up data.
 */
import { MedFilesClient } from '@medfiles/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { mintToken } from '../../../local/tokens.ts';

export type Role = 'patient' | 'provider' | 'admin';

export const baseUrl = (): string => inject('browserBaseUrl');
export const consoleUrl = (): string => `${baseUrl()}/console/`;

/** The demo tenant's users, as the runtime's demo buttons sign them in. */
export const DEMO_USER: Record<Role, string> = { patient: 'demo-patient', provider: 'demo-provider', admin: 'demo-admin' };

export const tokenFor = (role: Role, sub = DEMO_USER[role]): Promise<string> =>
  mintToken(inject('browserJwtSecret'), { sub, tenant: 'demo', role });

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
  close(): Promise<void>;
}

export async function openConsole(): Promise<ConsoleTab> {
  browser ??= chromium.connect(inject('browserWsEndpoint'));
  const context = await (await browser).newContext({ viewport: { width: 1280, height: 900 } });
  // Local and fast: a step that takes longer than this is stuck.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(consoleUrl());
  return { page, requested, close: () => context.close() };
}

/** Signs in with the local runtime's demo button for `role` and waits for the console. */
export async function signInAs(page: Page, role: Role): Promise<void> {
  await page.getByRole('button', { name: `Sign in as demo ${role}` }).click();
  await page.getByText(`Signed in as ${DEMO_USER[role]}`).waitFor();
}

/** The tokens a page could have leaked: none may appear in any URL it requested. */
export function expectNoTokenInUrls(requested: readonly string[], tokens: readonly string[]): void {
  expect(requested.length).toBeGreaterThan(0);
  for (const url of requested) {
    expect(url).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+/);
    for (const token of tokens) expect(url).not.toContain(token);
  }
}
