/**
 * A small HTTP client for the e2e suite: tokens for any (tenant, sub, role) signed with the runtime's secret
 * (and the broken kinds: expired, wrongly signed, `alg: none`, malformed), a fetch wrapper that reads the
 * whole body before returning, upload helpers for the three body shapes, and checks of the contract's error
 * shape. Every request goes over real HTTP to the runtime started by local-api-setup.ts.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { SignJWT } from 'jose';
import { expect, inject } from 'vitest';

export type Role = 'patient' | 'provider' | 'admin' | 'service';

export interface User {
  sub: string;
  tenant: string;
  role: Role;
}

export const baseUrl = (): string => inject('e2eBaseUrl');
const secret = (): string => inject('e2eJwtSecret');

/** A tenant id no other test uses, so lists start empty. */
export function newTenant(label: string): string {
  return `e2e-${label}-${randomBytes(4).toString('hex')}`;
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

// ---------------------------------------------------------------------------------------------------------
// Tokens

export interface TokenOptions {
  /** Seconds from now; negative for an expired token. Default one hour. */
  expiresIn?: number;
  /** Seconds from now for `nbf`. */
  notBefore?: number;
  /** Sign with this secret instead of the runtime's. */
  secret?: string;
  alg?: 'HS256' | 'HS384' | 'HS512';
  /** Replace or drop (`undefined`) claims. */
  claims?: Record<string, unknown>;
  omitExp?: boolean;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);

export async function mintToken(user: User, options: TokenOptions = {}): Promise<string> {
  const claims: Record<string, unknown> = { tenant: user.tenant, role: user.role, sub: user.sub, ...options.claims };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' }).setIssuedAt();
  if (!options.omitExp) jwt = jwt.setExpirationTime(nowSeconds() + (options.expiresIn ?? 3600));
  if (options.notBefore !== undefined) jwt = jwt.setNotBefore(nowSeconds() + options.notBefore);
  return jwt.sign(new TextEncoder().encode(options.secret ?? secret()));
}

/** An unsigned token (`alg: none`) with otherwise valid claims. */
export function unsignedToken(user: User): string {
  const header = b64url({ alg: 'none', typ: 'JWT' });
  const payload = b64url({ tenant: user.tenant, role: user.role, sub: user.sub, iat: nowSeconds(), exp: nowSeconds() + 3600 });
  return `${header}.${payload}.`;
}

/** A valid token whose payload was changed after signing (role raised to admin). */
export async function tamperedToken(user: User): Promise<string> {
  const [header, , signature] = (await mintToken(user)).split('.');
  const payload = b64url({ tenant: user.tenant, role: 'admin', sub: user.sub, iat: nowSeconds(), exp: nowSeconds() + 3600 });
  return `${header}.${payload}.${signature}`;
}

// ---------------------------------------------------------------------------------------------------------
// HTTP

export interface ApiResponse {
  status: number;
  headers: Headers;
  bytes: Buffer;
  text: string;
  /** The parsed JSON body (throws when the body is not JSON). */
  json: <T = any>() => T;
}

export interface CallOptions {
  method?: string;
  token?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | FormData;
  query?: Record<string, string | number | boolean | undefined>;
  /** Do not follow redirects (default: manual, so 302 answers can be checked). */
  redirect?: 'follow' | 'manual' | 'error';
}

export function urlOf(path: string, query?: CallOptions['query']): string {
  const url = new URL(path.startsWith('http') ? path : `${baseUrl()}${path}`);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url.toString();
}

const REFUSED_RETRY_MS = 20_000;

/**
 * Retries only while the connection is refused: the request never reached a server, so a retry cannot
 * repeat a side effect. This bridges the restart local-api-setup.ts does after a runtime crash (which it
 * reports and fails the run for); any other network error fails at once.
 */
async function whileRefused<T>(send: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + REFUSED_RETRY_MS;
  for (;;) {
    try {
      return await send();
    } catch (error) {
      const code = (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
      if (code !== 'ECONNREFUSED' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** One request; the whole body is read before it returns. */
export async function call(path: string, options: CallOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await whileRefused(() =>
    fetch(urlOf(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body as NonNullable<Parameters<typeof fetch>[1]>['body'],
      redirect: options.redirect ?? 'manual',
    }),
  );
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.toString('utf8');
  return {
    status: response.status,
    headers: response.headers,
    bytes,
    text,
    json: <T>() => {
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new Error(`expected a JSON body, got ${response.status}: ${text.slice(0, 300)}`);
      }
    },
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * A request over node:http with the path sent as given (no URL normalisation or escaping) and any headers,
 * for hostile inputs that fetch would refuse or rewrite.
 */
export function rawRequest(options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<RawResponse> {
  return whileRefused(() => rawRequestOnce(options));
}

function rawRequestOnce(options: Parameters<typeof rawRequest>[0]): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl());
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: hostname, port, method: options.method ?? 'GET', path: options.path, headers: options.headers, insecureHTTPParser: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

// ---------------------------------------------------------------------------------------------------------
// A signed-in user

export interface JsonUploadFile {
  name: unknown;
  contents?: unknown;
  mimeType?: unknown;
  [field: string]: unknown;
}

export interface MultipartFile {
  name: string;
  bytes: Uint8Array;
  type?: string;
}

/** The API as one user sees it. */
export class Client {
  constructor(
    readonly user: User,
    readonly token: string,
  ) {}

  static async as(tenant: string, sub: string, role: Role): Promise<Client> {
    const user = { tenant, sub, role };
    return new Client(user, await mintToken(user));
  }

  request(path: string, options: Omit<CallOptions, 'token'> = {}): Promise<ApiResponse> {
    return call(path, { ...options, token: this.token });
  }

  /** `POST /v1/files` as JSON; `files[].contents` may be bytes (base64-encoded here) or a string sent as is. */
  uploadJson(files: (Omit<JsonUploadFile, 'contents'> & { contents?: unknown })[], meta: Record<string, unknown> = {}): Promise<ApiResponse> {
    const body = {
      ...meta,
      files: files.map((f) => ({
        ...f,
        ...(f.contents instanceof Uint8Array ? { contents: Buffer.from(f.contents).toString('base64') } : {}),
      })),
    };
    return this.postJson('/v1/files', body);
  }

  postJson(path: string, body: unknown): Promise<ApiResponse> {
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  /** `POST /v1/files` as multipart/form-data: parts named `file`, plus text fields. */
  uploadMultipart(files: MultipartFile[], fields: Record<string, string> = {}): Promise<ApiResponse> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const f of files) form.append('file', new Blob([Buffer.from(f.bytes)], { type: f.type ?? '' }), f.name);
    return this.request('/v1/files', { method: 'POST', body: form });
  }

  /** `PUT /v1/files/{id}/content` with a raw body. */
  put(id: string, bytes: Uint8Array, options: { contentType?: string; query?: CallOptions['query'] } = {}): Promise<ApiResponse> {
    return this.request(`/v1/files/${id}/content`, {
      method: 'PUT',
      headers: options.contentType !== undefined ? { 'content-type': options.contentType } : {},
      body: bytes,
      query: options.query,
    });
  }

  list(query: CallOptions['query'] = {}): Promise<ApiResponse> {
    return this.request('/v1/files', { query });
  }

  get(id: string, headers: Record<string, string> = {}): Promise<ApiResponse> {
    return this.request(`/v1/files/${id}`, { headers });
  }

  content(id: string, query: CallOptions['query'] = {}, headers: Record<string, string> = {}): Promise<ApiResponse> {
    return this.request(`/v1/files/${id}/content`, { query, headers });
  }

  patch(id: string, body: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
    return this.request(`/v1/files/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  archive(id: string): Promise<ApiResponse> {
    return this.request(`/v1/files/${id}`, { method: 'DELETE' });
  }

  deletePermanently(id: string): Promise<ApiResponse> {
    return this.request(`/v1/files/${id}`, { method: 'DELETE', query: { permanent: 'true' } });
  }

  restore(id: string): Promise<ApiResponse> {
    return this.request(`/v1/files/${id}/restore`, { method: 'POST' });
  }

  /** Uploads one file (JSON) and returns the created File; fails the test unless it is 201. */
  async createFile(name: string, bytes: Uint8Array, meta: Record<string, unknown> = {}, perFile: Record<string, unknown> = {}): Promise<FileBody> {
    const res = await this.uploadJson([{ name, contents: bytes, ...perFile }], meta);
    expectStatus(res, 201);
    const [file] = res.json<{ files: FileBody[] }>().files;
    return file!;
  }

  /** Walks every page of a list query; returns the pages. */
  async listAll(query: CallOptions['query'] = {}, maxPages = 50): Promise<{ files: FileBody[]; count: number; nextCursor: string | null }[]> {
    const pages: { files: FileBody[]; count: number; nextCursor: string | null }[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < maxPages; i++) {
      const res = await this.list({ ...query, cursor });
      expectStatus(res, 200);
      const page = res.json<{ files: FileBody[]; count: number; nextCursor: string | null }>();
      pages.push(page);
      if (page.nextCursor === null) return pages;
      cursor = page.nextCursor;
    }
    throw new Error(`the cursor walk did not end within ${maxPages} pages`);
  }
}

/** The File resource as the contract describes it (loosely typed for assertions). */
export interface FileBody {
  id: string;
  tenantId: string;
  ownerId: string;
  createdBy: { id: string; role: Role };
  originalName: string;
  extension: string;
  mimeType: string;
  size: number;
  sha256: string;
  description: string | null;
  category: string;
  recordType: string | null;
  entity: { type: string; id: string } | null;
  fileRequestId: string | null;
  state: 'active' | 'archived';
  imageWidth: number | null;
  imageHeight: number | null;
  sharedWith: string[];
  deletable: boolean;
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  downloadUrl?: string;
  downloadUrlExpiresAt?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Assertions

export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Signs of an internal leak: stack frames, source paths, SDK or library names. */
const LEAKS = [
  /\bat [\w.<>]+ \(/,
  /\bat (file|node):/,
  /node_modules/,
  /\.(ts|js|mjs):\d+/,
  /\b(TypeError|ReferenceError|SyntaxError|RangeError|URIError)\b/,
  /\b(aws-sdk|@aws-sdk|dynalite|s3rver|DynamoDB|ConditionalCheckFailed|ResourceNotFoundException|NoSuchKey|zod)\b/i,
];

export function expectNoLeak(text: string): void {
  for (const leak of LEAKS) expect(text, `response leaks internals (${leak})`).not.toMatch(leak);
}

/** Fails with the response body in the message, which makes failures readable. */
export function expectStatus(res: Pick<ApiResponse, 'status' | 'text'>, status: number): void {
  expect(res.status, `expected ${status}, got ${res.status}: ${res.text.slice(0, 600)}`).toBe(status);
}

export interface ErrorBody {
  code: string;
  message: string;
  details: { path: string; message: string }[];
  requestId: string;
}

/** Checks the contract's error shape and returns the error object. */
export function expectError(res: ApiResponse, status: number, code: string): ErrorBody {
  expectStatus(res, status);
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  const body = res.json<{ error: ErrorBody }>();
  expect(Object.keys(body)).toEqual(['error']);
  const { error } = body;
  expect(error.code, res.text).toBe(code);
  expect(typeof error.message).toBe('string');
  expect(error.message.length).toBeGreaterThan(0);
  expect(Array.isArray(error.details), 'details must be an array').toBe(true);
  for (const detail of error.details) {
    expect(typeof detail.path).toBe('string');
    expect(typeof detail.message).toBe('string');
  }
  expect(typeof error.requestId).toBe('string');
  expect(error.requestId.length).toBeGreaterThan(0);
  expectNoLeak(res.text);
  return error;
}

/** Paths named in a 422's details, for "lists every offending field" checks. */
export function detailPaths(error: ErrorBody): string[] {
  return error.details.map((d) => d.path);
}

/** Every detail's path and message in one string, for loose "mentions X" checks. */
export function detailText(error: ErrorBody): string {
  return error.details.map((d) => `${d.path}: ${d.message}`).join('\n');
}

export const randomId = (): string => randomUUID();

const FILE_KEYS = [
  'id', 'tenantId', 'ownerId', 'createdBy', 'originalName', 'extension', 'mimeType', 'size', 'sha256', 'description',
  'category', 'recordType', 'entity', 'fileRequestId', 'state', 'imageWidth', 'imageHeight', 'sharedWith', 'deletable',
  'expiresAt', 'createdAt', 'updatedAt',
];

/** Checks that `file` has every field of the contract's File resource with the right type. */
export function expectFileResource(file: FileBody): void {
  for (const key of FILE_KEYS) expect(file, `File lacks ${key}`).toHaveProperty(key);
  expect(file.id).toMatch(UUID);
  expect(typeof file.tenantId).toBe('string');
  expect(typeof file.ownerId).toBe('string');
  expect(file.createdBy).toEqual({ id: expect.any(String), role: expect.stringMatching(/^(patient|provider|admin|service)$/) });
  expect(typeof file.originalName).toBe('string');
  expect(file.extension).toMatch(/^[^.A-Z]*$/);
  expect(typeof file.mimeType).toBe('string');
  expect(Number.isInteger(file.size)).toBe(true);
  expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(file.description === null || typeof file.description === 'string').toBe(true);
  expect(['user_document', 'intake_attachment', 'user_consent', 'user_avatar', 'visit_note', 'lab_result', 'imaging', 'prescription', 'other']).toContain(file.category);
  expect([null, 'medical', 'dental', 'hospital', 'pharmacy', 'other']).toContain(file.recordType);
  expect(file.entity === null || (typeof file.entity.type === 'string' && typeof file.entity.id === 'string')).toBe(true);
  expect(['active', 'archived']).toContain(file.state);
  expect(file.imageWidth === null || Number.isInteger(file.imageWidth)).toBe(true);
  expect(file.imageHeight === null || Number.isInteger(file.imageHeight)).toBe(true);
  expect(Array.isArray(file.sharedWith)).toBe(true);
  expect(typeof file.deletable).toBe('boolean');
  if (file.expiresAt !== null) expect(file.expiresAt).toMatch(ISO_MS);
  expect(file.createdAt).toMatch(ISO_MS);
  expect(file.updatedAt).toMatch(ISO_MS);
}
