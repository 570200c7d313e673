/**
 * What a patient must not see in the console: another patient's files, the admin views, permanent delete; and
 * what it does see: its own files and those shared with it. An admin, by contrast, may delete for good.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, expectNoTokenInUrls, openConsole, signInAs, tokenFor, type ConsoleTab } from './support/console-page.ts';
import { pdf, uniqueName } from './support/files.ts';

const own = uniqueName('my-discharge-letter', 'pdf');
const shared = uniqueName('shared-care-plan', 'pdf');
const others = uniqueName('someone-elses-scan', 'pdf');

let tab: ConsoleTab;
beforeAll(async () => {
  const provider = await apiAs('provider');
  const store = (name: string, ownerId: string) => provider.upload(new Blob([new Uint8Array(pdf(name))], { type: 'application/pdf' }), { name, ownerId });
  const [, sharedFile] = await Promise.all([store(own, 'demo-patient'), store(shared, 'other-patient'), store(others, 'other-patient')]);
  await provider.files.update(sharedFile.id, { sharedWith: ['demo-patient'] });
  tab = await openConsole();
  await signInAs(tab.page, 'patient');
});
afterAll(() => tab?.close());

describe('a patient', () => {
  it('sees its own files and those shared with it, never another patient\'s', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: own }).waitFor();
    await page.getByRole('button', { name: shared }).waitFor();
    expect(await page.getByText(others).count()).toBe(0);
    // No owner filter: a patient cannot ask for anyone else's files.
    expect(await page.getByLabel('Owner', { exact: true }).count()).toBe(0);
  });

  it('has no Webhooks or Audit views', async () => {
    const nav = tab.page.getByRole('navigation', { name: 'Console' });
    expect(await nav.getByRole('button', { name: 'Webhooks' }).count()).toBe(0);
    expect(await nav.getByRole('button', { name: 'Audit' }).count()).toBe(0);
  });

  it('cannot delete permanently, and sees its own file\'s access log', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: own }).click();
    await page.getByRole('heading', { name: own }).waitFor();
    await page.getByRole('button', { name: 'Archive' }).waitFor();
    expect(await page.getByRole('button', { name: 'Delete permanently' }).count()).toBe(0);
    await page.locator('table.access-log td', { hasText: 'demo-provider' }).first().waitFor();
    await page.getByRole('button', { name: 'Back to files' }).click();
  });

  it('put no token in any URL', async () => {
    expectNoTokenInUrls(tab.requested, [await tokenFor('patient')]);
  });
});

describe('an admin', () => {
  it('deletes a file permanently', async () => {
    const provider = await apiAs('provider');
    const name = uniqueName('delete-me', 'pdf');
    const file = await provider.upload(new Blob([new Uint8Array(pdf(name))], { type: 'application/pdf' }), { name, ownerId: 'demo-patient' });
    const admin = await openConsole();
    try {
      await signInAs(admin.page, 'admin');
      await admin.page.getByRole('button', { name }).click();
      await admin.page.getByRole('button', { name: 'Delete permanently' }).click();
      await admin.page.getByRole('heading', { name: 'Files', exact: true }).waitFor();
      // The list shown before the reload still has it for a moment.
      await admin.page.getByRole('button', { name }).waitFor({ state: 'detached' });
      await expect(provider.files.get(file.id)).rejects.toMatchObject({ status: 404 });
    } finally {
      await admin.close();
    }
  });
});
