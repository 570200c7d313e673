/**
 * Large files direct to storage, through `npm start`: create the upload, PUT the bytes to the presigned URL with
 * the returned headers, complete, and read the content back. Checks come in the contract's order (413, 415,
 * 422); the id is 404 everywhere and never listed until completion; no file name appears in any URL.
 */
import { randomBytes } from 'node:crypto';
import { parse } from 'content-disposition';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  Client,
  detailPaths,
  expectError,
  expectFileResource,
  expectStatus,
  ISO_MS,
  newTenant,
  sha256,
  UUID_V7,
  type FileBody,
} from '../support/e2e-client.ts';
import { html, png } from '../support/e2e-files.ts';

const MiB = 1024 * 1024;
const NAME = 'Entlassbrief Jürgen.pdf';
const tenant = newTenant('large');
let patient: Client;
let otherPatient: Client;
let provider: Client;
let stranger: Client;

beforeAll(async () => {
  patient = await Client.as(tenant, 'patient-1', 'patient');
  otherPatient = await Client.as(tenant, 'patient-2', 'patient');
  provider = await Client.as(tenant, 'provider-1', 'provider');
  stranger = await Client.as(newTenant('large-other'), 'provider-1', 'provider');
});

const pdfOf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size - 9)]);

interface SinglePut {
  fileId: string;
  method: 'PUT';
  url: string;
  headers: Record<string, string>;
  expiresAt: string;
}

async function startUpload(client: Client, body: Record<string, unknown>): Promise<SinglePut> {
  const res = await client.postJson('/v1/uploads', { name: NAME, mimeType: 'application/pdf', ...body });
  expectStatus(res, 201);
  return res.json<SinglePut>();
}

async function putBytes(target: SinglePut, bytes: Uint8Array): Promise<void> {
  const res = await fetch(target.url, { method: target.method, headers: target.headers, body: bytes });
  expect(res.status, await res.text()).toBe(200);
}

const complete = (client: Client, id: string, body?: unknown) =>
  client.request(`/v1/uploads/${id}/complete`, {
    method: 'POST',
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });

describe('POST /v1/uploads → PUT to storage → complete', () => {
  it('creates a File whose content is the uploaded bytes; completing again returns the same File', async () => {
    const bytes = pdfOf(200_000);
    const target = await startUpload(patient, { size: bytes.length, sha256: sha256(bytes), category: 'lab_result', description: 'discharge' });
    expect(target.fileId).toMatch(UUID_V7);
    expect(target.method).toBe('PUT');
    expect(target.expiresAt).toMatch(ISO_MS);
    expect(target.headers['Content-Type']).toBe('application/pdf');
    expect(parse(target.headers['Content-Disposition']!).parameters.filename).toBe(NAME);
    expect(target.headers['x-amz-checksum-sha256']).toBe(Buffer.from(sha256(bytes), 'hex').toString('base64'));
    for (const needle of ['Entlassbrief', 'J%C3%BCrgen', 'Jürgen']) expect(target.url).not.toContain(needle);

    // Until completion the id is 404 everywhere and not listed.
    expectError(await patient.request(`/v1/files/${target.fileId}`), 404, 'not_found');
    expectError(await patient.content(target.fileId), 404, 'not_found');
    expect((await patient.listAll()).flatMap((p) => p.files).map((f) => f.id)).not.toContain(target.fileId);

    await putBytes(target, bytes);
    expectError(await patient.request(`/v1/files/${target.fileId}`), 404, 'not_found');
    expectError(await complete(otherPatient, target.fileId), 404, 'not_found');
    expectError(await complete(stranger, target.fileId), 404, 'not_found');

    const res = await complete(patient, target.fileId);
    expectStatus(res, 200);
    const file = res.json<FileBody>();
    expectFileResource(file);
    expect(file).toMatchObject({
      id: target.fileId,
      ownerId: 'patient-1',
      createdBy: { id: 'patient-1', role: 'patient' },
      originalName: NAME,
      extension: 'pdf',
      mimeType: 'application/pdf',
      size: bytes.length,
      sha256: sha256(bytes),
      category: 'lab_result',
      description: 'discharge',
      state: 'active',
    });
    expect(res.headers.get('etag')).toBeTruthy();

    const content = await patient.content(target.fileId);
    expectStatus(content, 200);
    expect(content.bytes.equals(bytes)).toBe(true);
    expect(content.headers.get('content-type')).toBe('application/pdf');
    expect((await patient.listAll()).flatMap((p) => p.files).map((f) => f.id)).toContain(target.fileId);

    const again = await complete(patient, target.fileId, {});
    expectStatus(again, 200);
    expect(again.json<FileBody>()).toEqual(file);
  });

  it('content over the inline limit is served by a storage redirect carrying the stored name and type', async () => {
    const bytes = pdfOf(5 * MiB + 4321);
    const target = await startUpload(provider, { size: bytes.length, ownerId: 'patient-1' });
    await putBytes(target, bytes);
    expectStatus(await complete(provider, target.fileId), 200);
    const res = await patient.content(target.fileId, { download: 'true' });
    expectStatus(res, 302);
    const location = res.headers.get('location')!;
    expect(location).not.toContain('Entlassbrief');
    const stored = await fetch(location);
    expect(stored.status).toBe(200);
    expect(Buffer.from(await stored.arrayBuffer()).equals(bytes)).toBe(true);
    expect(parse(stored.headers.get('content-disposition')!).parameters.filename).toBe(NAME);
  });

  it('an image gets its dimensions', async () => {
    const bytes = await png(120, 80);
    const target = await startUpload(patient, { name: 'rash.png', mimeType: 'image/png', size: bytes.length });
    await putBytes(target, bytes);
    const res = await complete(patient, target.fileId);
    expectStatus(res, 200);
    expect(res.json<FileBody>()).toMatchObject({ mimeType: 'image/png', imageWidth: 120, imageHeight: 80 });
  });

  it('above 100 MiB: one presigned URL per part of at least 8 MiB, none with the name', async () => {
    const res = await patient.postJson('/v1/uploads', { name: NAME, mimeType: 'application/pdf', size: 200 * MiB });
    expectStatus(res, 201);
    const body = res.json<{ fileId: string; partSize: number; parts: { partNumber: number; url: string }[]; expiresAt: string }>();
    expect(body.partSize).toBe(8 * MiB);
    expect(body.parts.map((p) => p.partNumber)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    for (const part of body.parts) expect(part.url).not.toContain('Entlassbrief');
    // Completing without the parts is 422; the upload is kept for a proper completion.
    expect(detailPaths(expectError(await complete(patient, body.fileId, {}), 422, 'validation_error'))).toEqual(['parts']);
  });
});

describe('verification failures leave nothing', () => {
  it('other bytes than the declared type: 415, then the id is 404', async () => {
    const bytes = html();
    const target = await startUpload(patient, { size: bytes.length });
    await putBytes(target, bytes);
    expectError(await complete(patient, target.fileId), 415, 'unsupported_media_type');
    expectError(await complete(patient, target.fileId), 404, 'not_found');
    expectError(await patient.content(target.fileId), 404, 'not_found');
  });

  it('another size than declared, or nothing uploaded: 422', async () => {
    const bytes = pdfOf(10_000);
    const short = await startUpload(patient, { size: bytes.length + 10 });
    await putBytes(short, bytes);
    expect(detailPaths(expectError(await complete(patient, short.fileId), 422, 'validation_error'))).toEqual(['size']);
    expectError(await complete(patient, short.fileId), 404, 'not_found');

    const none = await startUpload(patient, { size: 1000 });
    expectError(await complete(patient, none.fileId), 422, 'validation_error');
  });
});

describe('POST /v1/uploads checks: 401, then 413, then 415, then 422', () => {
  it('needs a token', async () => {
    const res = await call('/v1/uploads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'a.pdf', mimeType: 'application/pdf', size: 10 }),
    });
    expectError(res, 401, 'unauthorized');
  });

  it('a declared size over 5 GiB is 413 even with a bad type and name', async () => {
    const res = await patient.postJson('/v1/uploads', { name: 'a/b', mimeType: 'text/html', size: 5 * 1024 * MiB + 1 });
    expect(expectError(res, 413, 'payload_too_large').message).toBeTruthy();
  });

  it('a type that is not allowed is 415 before the other rules', async () => {
    expectError(await patient.postJson('/v1/uploads', { name: 'a/b', mimeType: 'image/svg+xml', size: 0 }), 415, 'unsupported_media_type');
  });

  it('a name with a lone surrogate is 422 (issue 8: it was a 500)', async () => {
    expectError(await patient.postJson('/v1/uploads', { name: 'scan\ud800.pdf', mimeType: 'application/pdf', size: 10 }), 422, 'validation_error');
  });

  it('422 lists every offending field', async () => {
    const res = await patient.postJson('/v1/uploads', {
      name: 'a\u0007.pdf',
      mimeType: 'application/pdf',
      size: 0,
      sha256: 'xyz',
      expiryInterval: 0,
      entity: { type: 'Visit!', id: '' },
    });
    expect([...new Set(detailPaths(expectError(res, 422, 'validation_error')))].sort()).toEqual(
      ['entity.id', 'entity.type', 'expiryInterval', 'name', 'sha256', 'size'].sort(),
    );
  });

  it('a patient uploading for someone else is 403; a path id that is not a UUID is 422', async () => {
    expectError(await patient.postJson('/v1/uploads', { name: 'a.pdf', mimeType: 'application/pdf', size: 10, ownerId: 'patient-2' }), 403, 'forbidden');
    expect(detailPaths(expectError(await complete(patient, 'not-a-uuid'), 422, 'validation_error'))).toEqual(['fileId']);
  });
});
