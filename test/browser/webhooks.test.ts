/**
 * Webhooks in the console (admin): register one pointing at a receiver on this machine (the secret shown
 * once), see its delivery of an event and redeliver it, edit it, delete it. Then the audit trail, filtered.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@medfiles/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, openConsole, signInAs, type ConsoleTab } from './support/console-page.ts';
import { photo, uniqueName } from './support/files.ts';

interface Received {
  id: string;
  type: string;
}

let tab: ConsoleTab;
let receiver: Server;
let receiverUrl: string;
const received: { headers: Record<string, string>; body: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/medfiles`;
  tab = await openConsole();
  await signInAs(tab.page, 'admin');
});
afterAll(async () => {
  await tab?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

/** Clicks "Refresh deliveries" until the table has a row matching `text`. */
async function waitForDelivery(text: RegExp): Promise<void> {
  const rows = tab.page.locator('table.deliveries tbody tr', { hasText: text });
  await expect
    .poll(
      async () => {
        await tab.page.getByRole('button', { name: 'Refresh deliveries' }).click();
        return rows.count();
      },
      { timeout: 15_000, interval: 300 },
    )
    .toBeGreaterThan(0);
}

describe('webhooks (admin)', () => {
  let secret = '';
  let fileId = '';

  it('registers a webhook and shows its secret once', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: 'Webhooks' }).click();
    await page.getByLabel('URL').fill(receiverUrl);
    await page.getByLabel('all events (*)').uncheck();
    await page.getByLabel('file.created').check();
    await page.getByLabel('Description').fill('console test receiver');
    await page.getByRole('button', { name: 'Register webhook' }).click();
    secret = await page.getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    await page.locator('.webhook', { hasText: receiverUrl }).getByText('file.created').waitFor();
    await page.getByRole('button', { name: 'I have kept the secret' }).click();
    expect(await page.getByLabel('Signing secret').count()).toBe(0);
  });

  it('shows the delivery of an event, signed with that secret, and redelivers it', async () => {
    const api = await apiAs('provider');
    const file = await api.upload(new Blob([new Uint8Array(await photo(120))], { type: 'image/png' }), { name: uniqueName('webhook-photo', 'png'), ownerId: 'demo-patient' });
    fileId = file.id;
    const item = tab.page.locator('.webhook', { hasText: receiverUrl });
    await item.getByRole('button', { name: 'Deliveries' }).click();
    await waitForDelivery(/file\.created.*succeeded/);
    expect(received.length).toBeGreaterThan(0);
    const first = received.at(-1)!;
    const event = (await verifyWebhook(secret, first.headers, first.body)) as unknown as Received;
    expect(event.type).toBe('file.created');

    const before = received.length;
    await tab.page.getByRole('button', { name: /^Redeliver file\.created/ }).first().click();
    await tab.page.getByText('Redelivery of file.created requested.').waitFor();
    await expect.poll(() => received.length, { timeout: 20_000 }).toBeGreaterThan(before);
    expect(received.at(-1)!.headers['webhook-id']).toBe(first.headers['webhook-id']);
  });

  it('edits a webhook', async () => {
    const item = tab.page.locator('.webhook', { hasText: receiverUrl });
    await item.getByRole('button', { name: 'Edit' }).click();
    await item.getByLabel('Description').fill('paused receiver');
    await item.getByLabel('Active').uncheck();
    await item.getByRole('button', { name: 'Save webhook' }).click();
    await item.getByText('(inactive)').waitFor();
    await item.getByText('paused receiver').waitFor();
  });

  it('shows the audit trail, filtered by file and action', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: 'Audit' }).click();
    await page.getByLabel('File id').fill(fileId);
    await page.getByLabel('Action').selectOption('create');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const rows = page.locator('table.audit tbody tr');
    // Until the filtered page arrives, the unfiltered one is shown. Generous: other test files share the CPUs.
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(1);
    expect(await rows.first().textContent()).toContain(fileId);
    expect(await rows.first().textContent()).toContain('demo-provider');
    expect(await rows.first().textContent()).toContain('create');
  });

  it('deletes a webhook', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: 'Webhooks' }).click();
    const item = page.locator('.webhook', { hasText: receiverUrl });
    await item.getByRole('button', { name: 'Delete' }).click();
    await item.waitFor({ state: 'detached' });
  });
});
