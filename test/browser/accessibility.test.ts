/**
 * Keyboard use and labels: signing in with the keyboard alone, and in every view (as an admin, who has them
 * all, with the webhook editor and delivery log open, and a file's details) each control has a name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, openConsole, signInAs, tokenFor, type ConsoleTab } from './support/console-page.ts';
import { pdf, uniqueName } from './support/files.ts';

/** Runs in the page: how many controls there are, and those without a name (label, aria-label, text, alt or title). */
const UNNAMED = `(() => {
  const controls = [...document.querySelectorAll('button, input, select, textarea, a[href], img, iframe, progress')];
  const unnamed = controls.filter((el) => {
    const text = (el.getAttribute('aria-label') || el.getAttribute('alt') || el.getAttribute('title') || '').trim();
    const labelled = el.getAttribute('aria-labelledby') || (el.labels && el.labels.length > 0);
    const content = ['BUTTON', 'A'].includes(el.tagName) && el.textContent.trim() !== '';
    return !(text || labelled || content);
  });
  return { count: controls.length, unnamed: unnamed.map((el) => el.outerHTML.slice(0, 120)) };
})()`;

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
  });

  it('names every control of every view', async () => {
    const { page } = tab;
    const name = uniqueName('labelled', 'pdf');
    await (await apiAs('provider')).upload(new Blob([new Uint8Array(pdf(name))], { type: 'application/pdf' }), { name, ownerId: 'demo-patient' });
    const unnamed = async (view: string) => {
      const found = (await page.evaluate(UNNAMED)) as { count: number; unnamed: string[] };
      expect(found.count, view).toBeGreaterThan(5);
      expect(found.unnamed, view).toEqual([]);
    };

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
});
