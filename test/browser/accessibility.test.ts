/**
 * Keyboard use and labels: signing in with the keyboard alone, focus kept on what replaced the focused view
 * (sign-in, opening a file, going back), and in every view (as an admin, who has them all, with the webhook
 * editor and delivery log open, and a file's details; as a patient, with several open requests to upload into)
 * each control has a name, no id is used twice (labels point at ids) and the live regions are in the
 * accessibility tree even when empty (else what fills them may go unannounced).
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, openConsole, signInAs, tokenFor, type ConsoleTab } from './support/console-page.ts';
import { pdf, uniqueName } from './support/files.ts';

/**
 * Runs in the page: how many controls there are, those without a name (label, aria-label, text, alt or title),
 * ids used more than once, and live regions hidden from assistive technology.
 */
const AUDIT = `(() => {
  const controls = [...document.querySelectorAll('button, input, select, textarea, a[href], img, iframe, progress')];
  const unnamed = controls.filter((el) => {
    const text = (el.getAttribute('aria-label') || el.getAttribute('alt') || el.getAttribute('title') || '').trim();
    const labelled = el.getAttribute('aria-labelledby') || (el.labels && el.labels.length > 0);
    const content = ['BUTTON', 'A'].includes(el.tagName) && el.textContent.trim() !== '';
    return !(text || labelled || content);
  });
  const ids = [...document.querySelectorAll('[id]')].map((el) => el.id);
  const duplicateIds = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
  const hiddenLiveRegions = [...document.querySelectorAll('[role=alert], [role=status], [aria-live]')]
    .filter((el) => { const style = getComputedStyle(el); return style.display === 'none' || style.visibility === 'hidden'; })
    .map((el) => el.outerHTML.slice(0, 120));
  return { count: controls.length, unnamed: unnamed.map((el) => el.outerHTML.slice(0, 120)), duplicateIds, hiddenLiveRegions };
})()`;

async function checkView(page: Page, view: string): Promise<void> {
  const found = (await page.evaluate(AUDIT)) as { count: number; unnamed: string[]; duplicateIds: string[]; hiddenLiveRegions: string[] };
  expect(found.count, view).toBeGreaterThan(5);
  expect(found.unnamed, view).toEqual([]);
  expect(found.duplicateIds, view).toEqual([]);
  expect(found.hiddenLiveRegions, view).toEqual([]);
}

/** What has focus: its tag and text. */
const focused = (page: Page) => page.evaluate('[document.activeElement.tagName, document.activeElement.textContent.trim()]');

let tab: ConsoleTab;
beforeAll(async () => {
  tab = await openConsole();
});
afterAll(() => tab?.close());

describe('keyboard and labels', () => {
  it('signs in with the keyboard alone', async () => {
    const { page } = tab;
    await page.getByLabel('Access token').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('token');
    await page.keyboard.type(await tokenFor('admin'));
    await page.keyboard.press('Enter');
    await page.getByText('Signed in as demo-admin').waitFor();
    // The form that had focus is gone: the new view's heading has it, not <body>.
    await expect.poll(() => focused(page), { timeout: 20_000 }).toEqual(['H2', 'Files']);
  });

  it('keeps focus on what replaced the view: the file\'s heading, then back on the file\'s button', async () => {
    const { page } = tab;
    const name = uniqueName('focus', 'pdf');
    await (await apiAs('provider')).upload(new Blob([new Uint8Array(pdf(name))], { type: 'application/pdf' }), { name, ownerId: 'demo-patient' });
    await page.getByRole('button', { name: 'Files', exact: true }).click();
    await page.getByRole('button', { name }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name }).waitFor();
    await expect.poll(() => focused(page), { timeout: 20_000 }).toEqual(['H2', name]);
    await page.getByRole('button', { name: 'Back to files' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name }).waitFor();
    await expect.poll(() => focused(page), { timeout: 20_000 }).toEqual(['BUTTON', name]);
  });

  it('names every control of every view', async () => {
    const { page } = tab;
    const name = uniqueName('labelled', 'pdf');
    await (await apiAs('provider')).upload(new Blob([new Uint8Array(pdf(name))], { type: 'application/pdf' }), { name, ownerId: 'demo-patient' });
    const unnamed = (view: string) => checkView(page, view);

    await page.getByRole('button', { name: 'Files', exact: true }).click();
    await page.getByRole('button', { name }).click();
    await page.getByRole('heading', { name }).waitFor();
    await page.locator('table.access-log tbody tr').first().waitFor();
    await unnamed('file details');
    await page.getByRole('button', { name: 'Back to files' }).click();
    await page.getByRole('button', { name }).waitFor();
    await unnamed('files');

    await page.getByRole('button', { name: 'File requests' }).click();
    await page.getByLabel('Patient id').waitFor();
    await unnamed('file requests');

    await page.getByRole('button', { name: 'Webhooks' }).click();
    await page.getByLabel('URL').fill('http://127.0.0.1:9/a11y');
    await page.getByRole('button', { name: 'Register webhook' }).click();
    await page.getByLabel('Signing secret').waitFor();
    const item = page.locator('.webhook', { hasText: 'http://127.0.0.1:9/a11y' }).first();
    await item.getByRole('button', { name: 'Edit' }).click();
    await item.getByRole('button', { name: 'Deliveries' }).click();
    await item.getByRole('button', { name: 'Refresh deliveries' }).waitFor();
    await unnamed('webhooks');
    await item.getByRole('button', { name: 'Delete' }).click();
    await item.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Audit' }).click();
    await page.locator('table.audit tbody tr').first().waitFor();
    await unnamed('audit');
  });

  it('gives each upload area of a patient\'s open requests its own id, whatever the message\'s script', async () => {
    const provider = await apiAs('provider');
    // Cyrillic: nothing of it survives \W, so ids made from the message would all be the same.
    const tag = randomBytes(3).toString('hex');
    for (const message of [`Пришлите снимки ${tag}`, `Пришлите анализы ${tag}`]) await provider.fileRequests.create({ ownerId: 'demo-patient', message });
    const patient = await openConsole();
    try {
      await signInAs(patient.page, 'patient');
      await patient.page.getByRole('button', { name: 'File requests' }).click();
      await patient.page.getByLabel(`Upload files for: Пришлите анализы ${tag}`).waitFor();
      await patient.page.getByLabel(`Upload files for: Пришлите снимки ${tag}`).waitFor();
      await checkView(patient.page, 'file requests (patient)');
    } finally {
      await patient.close();
    }
  });
});
