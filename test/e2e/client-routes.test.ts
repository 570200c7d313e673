/**
 * @medfiles/client (the built package, as users get it) against `npm start`: every route through the client,
 * paged lists walked with async iterators, MedFilesError fields, and a real webhook delivery checked with
 * verifyWebhook. Uploads (inline, direct, multipart, resumed) are in client-uploads.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MedFilesClient, MedFilesError, verifyWebhook, type MedFile } from '@medfiles/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, mintToken, newTenant, sha256, type Role } from '../support/e2e-client.ts';
import { pdf, png, text } from '../support/e2e-files.ts';
import { until } from '../support/until.ts';

const tenant = newTenant('client');

async function clientAs(role: Role, sub = `${role}-1`, tenantId = tenant): Promise<MedFilesClient> {
  const token = await mintToken({ tenant: tenantId, sub, role });
  return new MedFilesClient({ baseUrl: baseUrl(), token });
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** The rejection of `promise`, which must be a MedFilesError. */
async function refusal(promise: Promise<unknown>): Promise<MedFilesError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MedFilesError);
  return error as MedFilesError;
}

let patient: MedFilesClient;
let provider: MedFilesClient;
let admin: MedFilesClient;

beforeAll(async () => {
  patient = await clientAs('patient');
  provider = await clientAs('provider');
  // A token function, asked before each request.
  const adminToken = await mintToken({ tenant, sub: 'admin-1', role: 'admin' });
  admin = new MedFilesClient({ baseUrl: `${baseUrl()}/`, token: async () => adminToken });
});

describe('service', () => {
  it('health needs no token', async () => {
    expect(await new MedFilesClient({ baseUrl: baseUrl() }).health()).toEqual({ status: 'ok' });
  });
});

describe('files', () => {
  it('upload, get, content, update, access log, archive, restore, delete', async () => {
    const bytes = text();
    const file = await provider.upload(bytes, {
      name: 'Befund Jürgen.txt',
      ownerId: 'patient-1',
      category: 'visit_note',
      recordType: 'medical',
      description: 'first visit',
      entity: { type: 'visit', id: 'v-42' },
    });
    expect(file).toMatchObject({
      ownerId: 'patient-1',
      originalName: 'Befund Jürgen.txt',
      mimeType: 'text/plain',
      size: bytes.length,
      sha256: sha256(bytes),
      category: 'visit_note',
      recordType: 'medical',
      description: 'first visit',
      entity: { type: 'visit', id: 'v-42' },
      state: 'active',
    });

    const withLink = await patient.files.get(file.id);
    expect(withLink.id).toBe(file.id);
    const linked = await fetch(withLink.downloadUrl!);
    expect(Buffer.from(await linked.arrayBuffer()).equals(bytes)).toBe(true);

    const content = await patient.files.content(file.id, { download: true });
    expect(content.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(content.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(Buffer.from(await content.arrayBuffer()).equals(bytes)).toBe(true);

    const renamed = await patient.files.update(file.id, { originalName: 'Befund.txt', sharedWith: ['patient-2'] });
    expect(renamed).toMatchObject({ originalName: 'Befund.txt', sharedWith: ['patient-2'] });
    const stale = await refusal(patient.files.update(file.id, { description: 'x' }, { ifMatch: '"stale"' }));
    expect(stale).toMatchObject({ status: 412, code: 'precondition_failed' });

    const log = await collect(patient.files.accessLog(file.id, { limit: 2 }));
    expect(log.map((entry) => entry.action)).toEqual(expect.arrayContaining(['read', 'download', 'share']));
    expect(log.every((entry) => entry.actor.id && entry.via)).toBe(true);
    expect((await patient.files.accessLogPage(file.id, { limit: 1 })).events).toHaveLength(1);

    await provider.files.archive(file.id);
    expect((await provider.files.get(file.id)).state).toBe('archived');
    expect(await refusal(patient.files.content(file.id))).toMatchObject({ status: 404, code: 'not_found' });
    expect((await provider.files.restore(file.id)).state).toBe('active');

    expect(await refusal(provider.files.deletePermanently(file.id))).toMatchObject({ status: 403, code: 'forbidden' });
    await admin.files.deletePermanently(file.id);
    expect(await refusal(admin.files.get(file.id))).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('put stores a raw body under a chosen id: again with the same bytes is the same File, other bytes 409', async () => {
    const id = randomUUID();
    const bytes = pdf('put');
    const created = await patient.files.put(id, bytes, { name: 'scan.pdf', category: 'lab_result' }, { contentType: 'application/pdf' });
    expect(created).toMatchObject({ id, originalName: 'scan.pdf', mimeType: 'application/pdf', category: 'lab_result', sha256: sha256(bytes) });
    expect((await patient.files.put(id, new Blob([bytes], { type: 'application/pdf' }), { name: 'scan.pdf' })).id).toBe(id);
    expect(await refusal(patient.files.put(id, pdf('other'), { name: 'scan.pdf' }, { contentType: 'application/pdf' }))).toMatchObject({ status: 409, code: 'conflict' });
  });

  it('thumbnails through content options', async () => {
    const image = await patient.upload(new File([await png(200, 100)], 'rash.png', { type: 'image/png' }));
    expect(image).toMatchObject({ originalName: 'rash.png', mimeType: 'image/png', imageWidth: 200, imageHeight: 100 });
    const thumbnail = await patient.files.content(image.id, { imageSize: '20x20', format: 'webp' });
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
  });

  it('list and listPage walk every page; iteration stops fetching when the loop ends', async () => {
    const owner = await clientAs('patient', 'patient-list');
    const made: MedFile[] = [];
    for (let i = 0; i < 5; i++) made.push(await owner.upload(text(`note ${i}\n`), { name: `note-${i}.txt` }));

    const listed = await collect(owner.files.list({ limit: 2, sort: 'originalName', order: 'asc' }));
    expect(listed.map((f) => f.originalName)).toEqual(made.map((f) => f.originalName));

    const first = await owner.files.listPage({ limit: 2 });
    expect(first).toMatchObject({ count: 2, nextCursor: expect.any(String) });
    const rest = await collect(owner.files.list({ limit: 2, cursor: first.nextCursor! }));
    expect(new Set([...first.files, ...rest].map((f) => f.id))).toEqual(new Set(made.map((f) => f.id)));

    for await (const file of owner.files.list({ limit: 2 })) {
      expect(file.ownerId).toBe('patient-list');
      break;
    }
  });
});

describe('MedFilesError', () => {
  it('carries status, code, message, details and requestId', async () => {
    const missing = await refusal(patient.files.get(randomUUID()));
    expect(missing).toMatchObject({ name: 'MedFilesError', status: 404, code: 'not_found', details: [] });
    expect(missing.message.length).toBeGreaterThan(0);
    expect(missing.requestId).toMatch(/.+/);

    const invalid = await refusal(patient.files.listPage({ limit: 1000, state: 'gone' as 'all' }));
    expect(invalid).toMatchObject({ status: 422, code: 'validation_error' });
    expect(invalid.details.map((d) => d.path).sort()).toEqual(['limit', 'state']);

    const unauthenticated = await refusal(new MedFilesClient({ baseUrl: baseUrl(), token: 'not-a-jwt' }).files.listPage());
    expect(unauthenticated).toMatchObject({ status: 401, code: 'unauthorized' });

    const offline = await refusal(new MedFilesClient({ baseUrl: 'http://127.0.0.1:9', retries: 0 }).health());
    expect(offline).toMatchObject({ status: 0, code: 'network_error' });
  });
});

describe('file requests', () => {
  it('create, list, listPage, get, update', async () => {
    const created = await provider.fileRequests.create({ ownerId: 'patient-1', message: 'Photos of the rash, please', categories: ['user_document'] });
    expect(created).toMatchObject({ ownerId: 'patient-1', status: 'open', fileCount: 0 });
    const second = await provider.fileRequests.create({ ownerId: 'patient-1', message: 'And the lab report' });

    const mine = await collect(patient.fileRequests.list({ limit: 1 }));
    expect(mine.map((r) => r.id)).toEqual(expect.arrayContaining([created.id, second.id]));
    expect((await patient.fileRequests.listPage({ limit: 1 })).fileRequests).toHaveLength(1);

    const file = await patient.upload(text('rash photo stand-in\n'), { name: 'rash.txt', fileRequestId: created.id });
    expect(file.fileRequestId).toBe(created.id);
    expect(await patient.fileRequests.get(created.id)).toMatchObject({ fileIds: [file.id], fileCount: 1 });
    expect((await provider.fileRequests.update(second.id, { status: 'cancelled' })).status).toBe('cancelled');
  });
});

describe('webhooks', () => {
  it('create, list, get, update, deliveries, retryDelivery and delete; a real delivery passes verifyWebhook', async () => {
    const hookTenant = newTenant('client-hooks');
    const hookAdmin = await clientAs('admin', 'admin-1', hookTenant);
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    // The first attempt fails (500), so the delivery stays pending until retried.
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(received.length === 1 ? 500 : 204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const hook = await hookAdmin.webhooks.create({ url, events: ['file.created'], description: 'client test' });
      expect(hook.secret).toMatch(/^whsec_/);
      expect((await hookAdmin.webhooks.list()).map((h) => h.id)).toEqual([hook.id]);
      expect((await hookAdmin.webhooks.get(hook.id)).url).toBe(url);
      expect((await hookAdmin.webhooks.update(hook.id, { description: 'renamed' })).description).toBe('renamed');

      const file = await hookAdmin.upload(pdf('hook'), { name: 'hook.pdf', ownerId: 'patient-1' });
      const first = await until('the first delivery', () => received[0]);
      const event = await verifyWebhook(hook.secret, first.headers as Record<string, string>, first.body);
      expect(event).toMatchObject({ type: 'file.created', tenantId: hookTenant, data: expect.objectContaining({ fileId: file.id }) });
      await expect(verifyWebhook(hook.secret, first.headers as Record<string, string>, first.body.replace(file.id, randomUUID()))).rejects.toThrow(/signature/);

      const [delivery] = await until('the failed attempt recorded', async () => {
        const all = await collect(hookAdmin.webhooks.deliveries(hook.id, { limit: 1 }));
        return all[0]?.attempts === 1 && all[0].lastStatusCode === 500 ? all : undefined;
      });
      expect(delivery).toMatchObject({ eventId: event.id, eventType: 'file.created', status: 'pending' });
      expect((await hookAdmin.webhooks.deliveriesPage(hook.id)).deliveries).toHaveLength(1);

      await hookAdmin.webhooks.retryDelivery(hook.id, delivery!.id);
      await until('the retried delivery succeeded', async () => {
        const page = await hookAdmin.webhooks.deliveriesPage(hook.id);
        return page.deliveries[0]?.status === 'succeeded' ? true : undefined;
      });
      expect(received[1]!.headers['webhook-id']).toBe(first.headers['webhook-id']);

      await hookAdmin.webhooks.delete(hook.id);
      expect(await refusal(hookAdmin.webhooks.get(hook.id))).toMatchObject({ status: 404 });
      expect(await refusal(patient.webhooks.list())).toMatchObject({ status: 403, code: 'forbidden' });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('audit', () => {
  it('events and eventsPage, filtered and paged', async () => {
    const file = await patient.upload(text('audited\n'), { name: 'audited.txt' });
    await patient.files.get(file.id);
    const events = await collect(admin.audit.events({ fileId: file.id, limit: 1 }));
    expect(events.map((e) => e.action).sort()).toEqual(['create', 'read']);
    expect(events.every((e) => e.fileId === file.id && e.outcome === 'success')).toBe(true);
    const page = await admin.audit.eventsPage({ fileId: file.id, action: 'read' });
    expect(page.events.map((e) => e.actor)).toEqual([{ id: 'patient-1', role: 'patient' }]);
    expect(await refusal(patient.audit.eventsPage())).toMatchObject({ status: 403 });
  });
});
