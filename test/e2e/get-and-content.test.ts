/**
 * `GET /v1/files/{id}` (the File with a signed downloadUrl) and `GET /v1/files/{id}/content` (the bytes, with
 * a token or a signed link): headers, dispositions, signatures and their tampering, archived and expired files.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  baseUrl,
  call,
  Client,
  expectError,
  expectStatus,
  ISO_MS,
  newTenant,
  rawRequest,
  type ApiResponse,
  type FileBody,
} from '../support/e2e-client.ts';
import { csv, jpeg, pdf, png, text } from '../support/e2e-files.ts';

const MiB = 1024 * 1024;
const tenant = newTenant('content');
let provider: Client;
let p1: Client;
let image: Buffer;
let imageFile: FileBody;
let document: Buffer;
let documentFile: FileBody;

beforeAll(async () => {
  provider = await Client.as(tenant, 'provider-1', 'provider');
  p1 = await Client.as(tenant, 'patient-1', 'patient');
  image = await png(40, 30);
  imageFile = await p1.createFile('scan.png', image);
  document = pdf('content');
  documentFile = await provider.createFile('Röntgen-Befund 😀 "final".pdf', document, { ownerId: 'patient-1' });
});

async function fileWithLink(client: Client, id: string): Promise<FileBody & { downloadUrl: string; downloadUrlExpiresAt: string }> {
  const res = await client.get(id);
  expectStatus(res, 200);
  return res.json();
}

/** The link with one query parameter set (or removed with `undefined`), or its path id replaced. */
function alter(link: string, change: { param?: [string, string | undefined]; id?: string }): string {
  const url = new URL(link);
  if (change.param) {
    const [name, value] = change.param;
    if (value === undefined) url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  if (change.id) url.pathname = url.pathname.replace(/\/files\/[^/]+\//, `/files/${change.id}/`);
  return url.toString();
}

/** The file name a Content-Disposition header carries (RFC 5987 `filename*` preferred). */
function dispositionName(header: string): string | undefined {
  const extended = /filename\*\s*=\s*UTF-8''([^;\s]+)/i.exec(header);
  if (extended) return decodeURIComponent(extended[1]!);
  const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header);
  if (quoted) return quoted[1]!.replace(/\\(.)/g, '$1');
  // RFC 6266 also allows a bare token.
  return /filename\s*=\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*(;|$)/i.exec(header)?.[1];
}

function expectContentHeaders(res: ApiResponse, bytes: Buffer, type: RegExp, disposition: 'inline' | 'attachment', name: string): void {
  expectStatus(res, 200);
  expect(res.bytes.equals(bytes), 'the body differs from the uploaded bytes').toBe(true);
  expect(res.headers.get('content-type')).toMatch(type);
  expect(res.headers.get('content-length')).toBe(String(bytes.length));
  expect(res.headers.get('etag')).toMatch(/^(W\/)?"[^"]+"$/);
  const cacheControl = res.headers.get('cache-control') ?? '';
  expect(cacheControl).toMatch(/\bprivate\b/);
  expect(cacheControl).not.toMatch(/\bpublic\b/);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  const contentDisposition = res.headers.get('content-disposition') ?? '';
  expect(contentDisposition.split(';')[0]!.trim()).toBe(disposition);
  expect(dispositionName(contentDisposition)).toBe(name);
}

describe('GET /v1/files/{id}', () => {
  it('answers the File with an ETag and a signed, absolute downloadUrl valid for 15 minutes', async () => {
    const res = await p1.get(imageFile.id);
    expectStatus(res, 200);
    const file = res.json<FileBody>();
    expect(file).toMatchObject({ ...imageFile, downloadUrl: expect.any(String), downloadUrlExpiresAt: expect.any(String) });
    expect(res.headers.get('etag')).toMatch(/^(W\/)?"[^"]+"$/);
    const url = new URL(file.downloadUrl!);
    expect(`${url.protocol}//${url.host}`).toBe(baseUrl());
    expect(url.pathname).toBe(`/v1/files/${imageFile.id}/content`);
    expect(url.searchParams.get('expires')).toMatch(/^\d+$/);
    expect(url.searchParams.get('signature')).toBeTruthy();
    expect(file.downloadUrlExpiresAt).toMatch(ISO_MS);
    expect(Date.parse(file.downloadUrlExpiresAt!)).toBe(Number(url.searchParams.get('expires')) * 1000);
    const ttl = Date.parse(file.downloadUrlExpiresAt!) - Date.now();
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000 + 1000);
    // No user id or name in the link.
    expect(file.downloadUrl).not.toContain('patient-1');
    expect(file.downloadUrl).not.toContain('scan');
  });

  it('the link origin follows X-Forwarded-Proto and Host', async () => {
    const https = await p1.get(imageFile.id, { 'x-forwarded-proto': 'https' });
    expectStatus(https, 200);
    expect(new URL(https.json<FileBody>().downloadUrl!).origin).toBe(baseUrl().replace(/^http:/, 'https:'));
    const raw = await rawRequest({ path: `/v1/files/${imageFile.id}`, headers: { authorization: `Bearer ${p1.token}`, host: 'files.example.org:8443', 'x-forwarded-proto': 'https' } });
    expect(raw.status).toBe(200);
    expect(new URL((JSON.parse(raw.text) as FileBody).downloadUrl!).origin).toBe('https://files.example.org:8443');
  });

  it('404 for an id that does not exist', async () => {
    expectError(await provider.get('0190f0f0-0000-7000-8000-000000000000'), 404, 'not_found');
    expectError(await provider.content('0190f0f0-0000-7000-8000-000000000000'), 404, 'not_found');
  });
});

describe('GET /v1/files/{id}/content with a token', () => {
  it('serves the bytes with the contract headers, inline by default', async () => {
    const res = await p1.content(imageFile.id);
    expectContentHeaders(res, image, /^image\/png\b/, 'inline', 'scan.png');
    expect(res.headers.get('etag')).toBe((await p1.get(imageFile.id)).headers.get('etag'));
  });

  it('download=true makes it an attachment', async () => {
    const res = await p1.content(imageFile.id, { download: 'true' });
    expectContentHeaders(res, image, /^image\/png\b/, 'attachment', 'scan.png');
    const explicitInline = await p1.content(imageFile.id, { download: 'false' });
    expectContentHeaders(explicitInline, image, /^image\/png\b/, 'inline', 'scan.png');
  });

  it('non-ASCII names: RFC 5987 filename* plus an ASCII-only fallback', async () => {
    const res = await p1.content(documentFile.id, { download: 'true' });
    expectContentHeaders(res, document, /^application\/pdf\b/, 'attachment', 'Röntgen-Befund 😀 "final".pdf');
    const header = res.headers.get('content-disposition')!;
    expect(header).toMatch(/filename\*=UTF-8''/i);
    const fallback = /filename=("(?:[^"\\]|\\.)*"|[^;\s]+)/.exec(header);
    expect(fallback, header).not.toBeNull();
    expect(fallback![1]).toMatch(/^[\x20-\x7e]*$/);
  });

  it('serves every stored type with its type and the exact bytes', async () => {
    const samples: [string, Buffer, RegExp][] = [
      ['photo.jpg', await jpeg(), /^image\/jpeg\b/],
      ['notes.txt', text('Plain text, äöü ✓\n'), /^text\/plain\b/],
      ['values.csv', csv(), /^text\/csv\b/],
    ];
    for (const [name, bytes, type] of samples) {
      const file = await provider.createFile(name, bytes, { ownerId: 'patient-1' });
      expectContentHeaders(await p1.content(file.id), bytes, type, 'inline', name);
    }
  });

  it('serves a 4 MiB file completely (inline, or by a short redirect that keeps type and disposition)', async () => {
    const bytes = Buffer.alloc(4 * MiB, 'z');
    const file = await provider.createFile('big.txt', bytes, { ownerId: 'patient-1' });
    const res = await p1.content(file.id, { download: 'true' });
    if (res.status === 200) return expectContentHeaders(res, bytes, /^text\/plain\b/, 'attachment', 'big.txt');
    expectStatus(res, 302);
    const location = res.headers.get('location')!;
    expect(location).not.toContain('big');
    const expires = new URL(location).searchParams.get('X-Amz-Expires');
    expect(Number(expires)).toBeLessThanOrEqual(60);
    const redirected = await call(location);
    expectStatus(redirected, 200);
    expect(redirected.bytes.equals(bytes)).toBe(true);
    expect(redirected.headers.get('content-type')).toMatch(/^text\/plain\b/);
    expect(dispositionName(redirected.headers.get('content-disposition') ?? '')).toBe('big.txt');
    // Patient data: no shared cache may keep what storage answers (issue 8).
    expect(redirected.headers.get('cache-control')).toBe('private');
    const range = await call(location, { headers: { range: 'bytes=0-9' } });
    expectStatus(range, 206);
    expect(range.bytes.length).toBe(10);
  });
});

describe('signed content links', () => {
  it('work without an Authorization header', async () => {
    const { downloadUrl } = await fileWithLink(p1, imageFile.id);
    const res = await call(downloadUrl);
    expectContentHeaders(res, image, /^image\/png\b/, 'inline', 'scan.png');
  });

  it('take download=true', async () => {
    const { downloadUrl } = await fileWithLink(provider, documentFile.id);
    const res = await call(alter(downloadUrl, { param: ['download', 'true'] }));
    expectContentHeaders(res, document, /^application\/pdf\b/, 'attachment', 'Röntgen-Befund 😀 "final".pdf');
  });

  it('a changed signature, expiry or file id is 401', async () => {
    const { downloadUrl } = await fileWithLink(p1, imageFile.id);
    const url = new URL(downloadUrl);
    const signature = url.searchParams.get('signature')!;
    const expires = Number(url.searchParams.get('expires'));
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const altered = [
      alter(downloadUrl, { param: ['signature', flip(signature, 0)] }),
      alter(downloadUrl, { param: ['signature', flip(signature, signature.length - 1)] }),
      alter(downloadUrl, { param: ['signature', signature.slice(0, -2)] }),
      alter(downloadUrl, { param: ['signature', ''] }),
      alter(downloadUrl, { param: ['signature', undefined] }),
      alter(downloadUrl, { param: ['expires', String(expires + 1)] }),
      alter(downloadUrl, { param: ['expires', String(expires + 86_400)] }),
      alter(downloadUrl, { param: ['expires', 'tomorrow'] }),
      alter(downloadUrl, { param: ['expires', undefined] }),
      alter(downloadUrl, { id: documentFile.id }),
      alter(downloadUrl, { id: '0190f0f0-0000-7000-8000-000000000000' }),
    ];
    for (const link of altered) expectError(await call(link), 401, 'unauthorized');
  });

  it('an expired link is 401', async () => {
    const { downloadUrl } = await fileWithLink(p1, imageFile.id);
    for (const past of [Math.floor(Date.now() / 1000) - 1, Math.floor(Date.now() / 1000) - 3600, 0]) {
      expectError(await call(alter(downloadUrl, { param: ['expires', String(past)] })), 401, 'unauthorized');
    }
  });

  it("a link only serves the file it was issued for, as the user it was issued to", async () => {
    const p2 = await Client.as(tenant, 'patient-2', 'patient');
    const other = await p2.createFile('p2.png', await png(10, 10));
    const { downloadUrl } = await fileWithLink(p1, imageFile.id);
    // Pointing p1's link at p2's file fails on the signature before visibility is even considered.
    expectError(await call(alter(downloadUrl, { id: other.id })), 401, 'unauthorized');
    // Once p1 loses access to a file, the link it was given stops working.
    await p2.patch(other.id, { sharedWith: ['patient-1'] }).then((r) => expectStatus(r, 200));
    const shared = await fileWithLink(p1, other.id);
    expectStatus(await call(shared.downloadUrl), 200);
    await p2.patch(other.id, { sharedWith: [] }).then((r) => expectStatus(r, 200));
    expectError(await call(shared.downloadUrl), 404, 'not_found');
  });
});

describe('archived and expired files', () => {
  it('an archived file has no downloadUrl; its content is 404 by token and by link', async () => {
    const bytes = pdf('to archive');
    const file = await provider.createFile('archive-me.pdf', bytes, { ownerId: 'patient-1' });
    const { downloadUrl } = await fileWithLink(p1, file.id);
    expectStatus(await call(downloadUrl), 200);
    expectStatus(await provider.archive(file.id), 204);

    const res = await p1.get(file.id);
    expectStatus(res, 200);
    const archived = res.json<FileBody>();
    expect(archived.state).toBe('archived');
    expect(archived).not.toHaveProperty('downloadUrl');
    expect(archived).not.toHaveProperty('downloadUrlExpiresAt');
    expectError(await p1.content(file.id), 404, 'not_found');
    expectError(await provider.content(file.id, { download: 'true' }), 404, 'not_found');
    expectError(await call(downloadUrl), 404, 'not_found');
  });

  it('an expired file is 404 on metadata, content and link', async () => {
    const file = await provider.createFile('expiring.pdf', pdf('exp'), { ownerId: 'patient-1', expiryInterval: 1 });
    const { downloadUrl } = await fileWithLink(p1, file.id);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(file.expiresAt!) - Date.now()) + 300));
    expectError(await p1.get(file.id), 404, 'not_found');
    expectError(await provider.get(file.id), 404, 'not_found');
    expectError(await provider.content(file.id), 404, 'not_found');
    expectError(await call(downloadUrl), 404, 'not_found');
    expectError(await provider.patch(file.id, { description: 'x' }), 404, 'not_found');
  });
});
