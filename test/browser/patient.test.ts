/**
 * What a patient must not see in the console: another patient's files, the admin views, permanent delete,
 * restore, archive of a file someone else created, and changes to a file only shared with it; and what it does
 * see: its own files and those shared with it, and Archive on a file it uploaded. An admin may delete for good.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, expectNoTokenInUrls, openConsole, signInAs, type ConsoleTab } from './support/console-page.ts';
import { pdf, uniqueName } from './support/files.ts';

const own = uniqueName('my-discharge-letter', 'pdf');
const shared = uniqueName('shared-care-plan', 'pdf');
const others = uniqueName('someone-elses-scan', 'pdf');
const uploaded = uniqueName('my-own-upload', 'pdf');

let tab: ConsoleTab;
beforeAll(async () => {
  const provider = await apiAs('provider');
  const store = (name: string, ownerId: string) => provider.upload(new Blob([new Uint8Array(pdf(name))], { type: 'application/pdf' }), { name, ownerId });
  const [, sharedFile] = await Promise.all([store(own, 'demo-patient'), store(shared, 'other-patient'), store(others, 'other-patient')]);
  await provider.files.update(sharedFile.id, { sharedWith: ['demo-patient'] });
  await (await apiAs('patient')).upload(new Blob([new Uint8Array(pdf(uploaded))], { type: 'application/pdf' }), { name: uploaded });
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

  /** Opens a file's details and waits until they (not only the heading) are shown. */
  async function open(name: string): Promise<void> {
    await tab.page.getByRole('button', { name }).click();
    await tab.page.getByRole('heading', { name }).waitFor();
    await tab.page.locator('.metadata').waitFor();
  }
  const count = (name: string) => tab.page.getByRole('button', { name, exact: true }).count();

  it('may change its own file, but not archive what a provider uploaded, restore, or delete for good', async () => {
    const { page } = tab;
    await open(own);
    // The API answers `deletable: false` to a patient for a file it did not create.
    expect(await count('Archive')).toBe(0);
    expect(await count('Restore')).toBe(0);
    expect(await count('Delete permanently')).toBe(0);
    expect(await count('Rename')).toBe(1);
    await page.locator('table.access-log td', { hasText: 'demo-provider' }).first().waitFor();
    await page.getByRole('button', { name: 'Back to files' }).click();
  });

  it('may archive a file it uploaded itself', async () => {
    await open(uploaded);
    await tab.page.getByRole('button', { name: 'Archive', exact: true }).waitFor();
    expect(await count('Delete permanently')).toBe(0);
    await tab.page.getByRole('button', { name: 'Back to files' }).click();
  });

  it('only reads a file shared with it: no changes, no archive, no access log', async () => {
    await open(shared);
    for (const name of ['Rename', 'Save category', 'Share', 'Archive', 'Restore', 'Delete permanently']) expect(await count(name), name).toBe(0);
    expect(await tab.page.locator('table.access-log').count()).toBe(0);
    await tab.page.getByRole('button', { name: 'Back to files' }).click();
  });

  it('put no token it held in any URL', () => {
    expectNoTokenInUrls(tab);
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
