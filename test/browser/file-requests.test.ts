/**
 * A file request answered in the console: the provider asks the demo patient for files, the patient sees the
 * open request and uploads into it, and the provider sees the file arrive.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, openConsole, signInAs, type ConsoleTab } from './support/console-page.ts';
import { pdf, uniqueName } from './support/files.ts';

let provider: ConsoleTab;
let patient: ConsoleTab;
beforeAll(async () => {
  [provider, patient] = await Promise.all([openConsole(), openConsole()]);
  await Promise.all([signInAs(provider.page, 'provider'), signInAs(patient.page, 'patient')]);
});
afterAll(async () => {
  await Promise.all([provider?.close(), patient?.close()]);
});

describe('file requests', () => {
  const message = `Please send your latest lab results (${randomBytes(3).toString('hex')})`;
  const name = uniqueName('lab-results', 'pdf');

  it('a provider asks a patient for files', async () => {
    const { page } = provider;
    await page.getByRole('button', { name: 'File requests' }).click();
    await page.getByLabel('Patient id').fill('demo-patient');
    await page.getByLabel('Message').fill(message);
    await page.getByLabel('Category').selectOption('lab_result');
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.locator('.request', { hasText: message }).getByText('Status: open; files: 0').waitFor();
  });

  it('the patient sees its open request and uploads into it', async () => {
    const { page } = patient;
    await page.getByRole('button', { name: 'File requests' }).click();
    const request = page.locator('.request', { hasText: message });
    await request.getByLabel(`Upload files for: ${message}`).setInputFiles({ name, mimeType: 'application/pdf', buffer: pdf('lab') });
    await request.getByText('Uploaded').waitFor();
    await page.locator('.request', { hasText: message }).getByText(/files: 1/).waitFor();
  });

  it('the provider sees the file in the request and in the patient\'s files', async () => {
    const { page } = provider;
    await page.getByRole('button', { name: 'Files', exact: true }).click();
    await page.getByRole('button', { name: 'File requests' }).click();
    await page.locator('.request', { hasText: message }).getByText(/files: 1/).waitFor();
    const api = await apiAs('provider');
    const [request] = (await api.fileRequests.listPage({ ownerId: 'demo-patient' })).fileRequests.filter((r) => r.message === message);
    const files = await api.files.listPage({ fileRequestId: request!.id });
    expect(files.files.map((f) => [f.originalName, f.ownerId, f.category])).toEqual([[name, 'demo-patient', 'lab_result']]);
  });
});
