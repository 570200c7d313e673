/**
 * The provider's file work in the console: uploads with per-file progress (inline, and straight to storage
 * above the client's inline limit, each end announced), the list with loaded thumbnails (each one audited as a
 * `thumbnail`, never a `read`; and the README's screenshot of it), and a file's details: rename, share, archive,
 * restore, the access log that records them, and a PDF preview that really loads.
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, expectNoTokenInUrls, openConsole, signInAs, type ConsoleTab } from './support/console-page.ts';
import { largePng, pdf, photo, uniqueName } from './support/files.ts';

/**
 * The README's picture. Every run shows new names and times, so `npm test` writes it next to the other test output
 * and leaves the committed one alone; `npm run screenshot` (MEDFILES_SCREENSHOT=1) refreshes docs/.
 */
const SCREENSHOT = process.env.MEDFILES_SCREENSHOT === '1'
  ? fileURLToPath(new URL('../../docs/console-files.png', import.meta.url))
  : join(tmpdir(), 'medfiles-console-files.png');

let tab: ConsoleTab;
let page: Page;

beforeAll(async () => {
  tab = await openConsole();
  page = tab.page;
  await signInAs(page, 'provider');
});
afterAll(() => tab?.close());

/** Sends files through the "Upload files" input and waits until each one's row says it is uploaded. */
async function upload(files: { name: string; mimeType: string; buffer: Buffer }[]): Promise<void> {
  await page.getByLabel('Upload files', { exact: true }).setInputFiles(files);
  for (const file of files) {
    const row = page.locator('.uploads li', { hasText: file.name });
    await row.getByText('Uploaded').waitFor({ timeout: 20_000 });
    const progress = row.getByRole('progressbar', { name: `Progress of ${file.name}` });
    expect(await progress.getAttribute('value')).toBe(String(file.buffer.length));
    expect(await progress.getAttribute('max')).toBe(String(file.buffer.length));
  }
  // The progress list is not live; a polite status region says when each file is done (the last one shown).
  expect(await page.locator('.uploads').getAttribute('aria-live')).toBeNull();
  await page.locator('.drop').getByRole('status').getByText(`Upload of ${files.at(-1)!.name} finished.`).waitFor();
}

const thumbnailLoaded = (name: string) =>
  page.getByRole('img', { name, exact: true }).evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth > 0);

describe('files (provider)', () => {
  const kneePhoto = uniqueName('knee-photo', 'png');
  const woundPhoto = uniqueName('wound-photo', 'jpg');
  const report = uniqueName('lab-report', 'pdf');
  const scan = uniqueName('large-scan', 'png');

  it('uploads small files inline, with per-file progress, and lists them', async () => {
    await page.getByLabel('Owner (patient id)').fill('demo-patient');
    await upload([
      { name: kneePhoto, mimeType: 'image/png', buffer: await photo(200) },
      { name: woundPhoto, mimeType: 'image/jpeg', buffer: await photo(20, 'jpeg', 800, 600) },
      { name: report, mimeType: 'application/pdf', buffer: pdf('console') },
    ]);
    for (const name of [kneePhoto, woundPhoto, report]) await page.getByRole('button', { name }).waitFor();
    // Small files are one POST /v1/files: nothing went to storage directly.
    expect(tab.requested.filter((url) => url.includes('/v1/uploads'))).toEqual([]);
  });

  it('sends a file above the inline limit straight to storage', async () => {
    const puts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT') puts.push(new URL(request.url()).origin);
    });
    const bytes = await largePng();
    expect(bytes.length).toBeGreaterThan(4 * 1024 * 1024);
    await upload([{ name: scan, mimeType: 'image/png', buffer: bytes }]);
    expect(tab.requested.some((url) => url.endsWith('/v1/uploads'))).toBe(true);
    expect(puts.length).toBeGreaterThan(0);
    expect(puts.every((origin) => origin !== new URL(page.url()).origin)).toBe(true);
    await page.getByRole('button', { name: scan }).waitFor();
  });

  it('uploads a file dropped onto the upload area', async () => {
    const dropped = uniqueName('dropped-notes', 'txt');
    // A drop as the browser delivers it: a DataTransfer holding a File (built in the page).
    const dataTransfer = await page.evaluateHandle(
      `(() => { const d = new DataTransfer(); d.items.add(new File(['Pulse 64, no complaints.'], ${JSON.stringify(dropped)}, { type: 'text/plain' })); return d; })()`,
    );
    await page.locator('.drop').dispatchEvent('dragover', { dataTransfer });
    await page.locator('.drop').dispatchEvent('drop', { dataTransfer });
    await page.locator('.uploads li', { hasText: dropped }).getByText('Uploaded').waitFor();
    await page.getByRole('button', { name: dropped }).waitFor();
  });

  it('shows thumbnails that load, each fetched as a thumbnail (audited so), not through a read', async () => {
    for (const name of [kneePhoto, woundPhoto, scan]) await expect.poll(() => thumbnailLoaded(name), { timeout: 20_000 }).toBe(true);
    const src = await page.getByRole('img', { name: kneePhoto, exact: true }).getAttribute('src');
    expect(src).toMatch(/^blob:/);
    // What the audit trail says the provider did to each listed photo: one thumbnail, no read of the file itself.
    const admin = await apiAs('admin');
    for (const name of [kneePhoto, woundPhoto, scan]) {
      const [file] = (await admin.files.listPage({ ownerId: 'demo-patient', limit: 100 })).files.filter((f) => f.originalName === name);
      const { events } = await admin.audit.eventsPage({ fileId: file!.id, actorId: 'demo-provider' });
      expect(events.filter((e) => e.action === 'thumbnail'), name).toHaveLength(1);
      // Listing records a `read` marked `listed` for each file on the page; a GET of the file itself would not be.
      expect(events.filter((e) => e.action === 'read' && !e.listed), name).toEqual([]);
    }
    await mkdir(dirname(SCREENSHOT), { recursive: true });
    // No focus ring in the picture (a string: the tests are type-checked without the DOM library).
    await page.evaluate('document.activeElement?.blur()');
    await page.screenshot({ path: SCREENSHOT });
  });

  it('filters the list', async () => {
    await page.getByLabel('Owner', { exact: true }).fill('nobody-has-this-id');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('0 files on this page').waitFor();
    await page.getByLabel('Owner', { exact: true }).fill('demo-patient');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('button', { name: kneePhoto }).waitFor();
  });

  it('renames, shares, archives and restores a file, and its access log shows it', async () => {
    await page.getByRole('button', { name: kneePhoto }).click();
    await page.getByRole('img', { name: kneePhoto }).waitFor();
    expect(await page.getByRole('link', { name: 'Download' }).getAttribute('href')).toContain('download=true');

    const renamed = `renamed-${kneePhoto}`;
    await page.getByLabel('Name', { exact: true }).fill(renamed);
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('status').getByText('Renamed.').waitFor();
    await page.getByRole('heading', { name: renamed }).waitFor();

    await page.getByLabel('Shared with (user ids, comma-separated)').fill('demo-patient-2, nurse-7');
    await page.getByRole('button', { name: 'Share' }).click();
    await page.getByRole('status').getByText('Sharing saved.').waitFor();
    await page.locator('.metadata').getByText('demo-patient-2, nurse-7').waitFor();

    await page.getByRole('button', { name: 'Archive' }).click();
    await page.getByRole('status').getByText('Archived.').waitFor();
    await page.getByText('No preview: the file is archived.').waitFor();
    await page.getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('status').getByText('Restored.').waitFor();
    await page.getByRole('img', { name: renamed }).waitFor();

    const log = page.locator('table.access-log');
    for (const action of ['update', 'share', 'archive', 'restore']) {
      await log.locator('td', { hasText: new RegExp(`^${action}$`) }).first().waitFor();
    }
    expect(await log.locator('td', { hasText: 'demo-provider' }).count()).toBeGreaterThan(0);
    // Staff other than admins cannot delete for good.
    expect(await page.getByRole('button', { name: 'Delete permanently' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Back to files' }).click();
  });

  it('shows a PDF in a frame through its signed link, which the policy lets load', async () => {
    const loaded = page.waitForResponse((response) => response.request().resourceType() === 'document' && /\/content\?.*signature=/.test(response.url()));
    await page.getByRole('button', { name: report }).click();
    const frame = page.locator(`iframe[title="Preview of ${report}"]`);
    await frame.waitFor();
    expect(await frame.getAttribute('src')).toMatch(/signature=/);
    // A frame the policy refused is never requested: this answer is the frame's own load.
    const response = await loaded;
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('application/pdf');
    expect(response.frame().parentFrame()).toBe(page.mainFrame());
    await page.getByRole('button', { name: 'Back to files' }).click();
  });

  it('shows the API refusing, with its message and requestId', async () => {
    const api = await apiAs('provider');
    const [file] = (await api.files.listPage({ ownerId: 'demo-patient', limit: 1 })).files;
    await page.getByRole('button', { name: file!.originalName }).click();
    await page.getByRole('heading', { name: file!.originalName }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('bad/name\u0000.png');
    await page.getByRole('button', { name: 'Rename' }).click();
    const alert = page.getByRole('alert');
    await alert.getByText('requestId').waitFor();
    expect(await alert.textContent()).toMatch(/requestId: [\w-]{8,}/);
    await page.getByRole('button', { name: 'Back to files' }).click();
  });

  it('put no token it held in any URL it requested', () => {
    expectNoTokenInUrls(tab);
  });
});
