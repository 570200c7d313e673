/**
 * The handler modules Lambda runs, invoked directly with the sample API Gateway events of test/events/,
 * against the real local S3/DynamoDB servers: the same code runs with a Lambda-shaped event as behind the
 * local HTTP server. The environment is set before the modules are imported (configuration is read once).
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { DynamoFileIndex } from '../../shared/adapters/dynamo-file-index.ts';
import { useEventPublisher } from '../../shared/adapters/wiring/ports.ts';
import { ErrorBody } from '../../shared/http/formats/errors.ts';
import { FileList, FileResource, FilesCreated, FileWithLink } from '../../shared/http/formats/files.ts';
import { Health } from '../../shared/http/formats/health.ts';
import { mintToken } from '../../local/tokens.ts';
import { makeIntegrationClients, type IntegrationClients } from '../support/integration-clients.ts';
import { lambdaContext, sampleEvent, type LambdaHandler } from '../support/integration-events.ts';
import { fileRecord } from '../support/integration-records.ts';
import { RecordingPublisher } from '../support/in-memory-ports.ts';

const JWT_SECRET = 'integration-jwt-secret-0123456789abcdef';
const tenant = `handlers-${Date.now()}`;

let clients: IntegrationClients;
const events = new RecordingPublisher();
let health: LambdaHandler;
let listFiles: LambdaHandler;
let createFiles: LambdaHandler;
let putFileContent: LambdaHandler;
let getFile: LambdaHandler;
let providerToken: string;
let patientToken: string;

beforeAll(async () => {
  clients = makeIntegrationClients();
  Object.assign(process.env, {
    MEDFILES_BUCKET: clients.bucket,
    MEDFILES_TABLE: clients.table,
    MEDFILES_AUDIT_TABLE: clients.auditTable,
    MEDFILES_JWT_SECRET: JWT_SECRET,
    MEDFILES_SIGNING_SECRET: 'integration-signing-secret-0123456789abcdef',
    MEDFILES_S3_FORCE_PATH_STYLE: 'true',
  });
  // EventBridge in AWS; here the events are recorded (set before the handlers wire their ports on import).
  useEventPublisher(events);
  health = ((await import('../../functions/health.ts')) as { handler: LambdaHandler }).handler;
  listFiles = ((await import('../../functions/list-files.ts')) as { handler: LambdaHandler }).handler;
  createFiles = ((await import('../../functions/create-files.ts')) as { handler: LambdaHandler }).handler;
  putFileContent = ((await import('../../functions/put-file-content.ts')) as { handler: LambdaHandler }).handler;
  getFile = ((await import('../../functions/get-file.ts')) as { handler: LambdaHandler }).handler;

  const index = new DynamoFileIndex(clients.db, clients.table);
  for (const originalName of ['b-visit-note.pdf', 'a-lab-result.pdf', 'c-xray.png']) {
    await index.create(fileRecord({ tenantId: tenant, ownerId: 'patient-1', originalName }));
  }
  await index.create(fileRecord({ tenantId: tenant, ownerId: 'patient-2', originalName: 'a-other-patient.pdf' }));
  await index.create(fileRecord({ tenantId: `${tenant}-elsewhere`, ownerId: 'patient-1', originalName: 'a-other-tenant.pdf' }));
  providerToken = await mintToken(JWT_SECRET, { sub: 'provider-7', tenant, role: 'provider' });
  patientToken = await mintToken(JWT_SECRET, { sub: 'patient-1', tenant, role: 'patient' });
});
afterAll(() => clients.destroy());

function jsonOf(result: APIGatewayProxyStructuredResultV2): unknown {
  expect(result.headers?.['content-type']).toBe('application/json; charset=utf-8');
  expect(result.isBase64Encoded ?? false).toBe(false);
  return JSON.parse(result.body!);
}

describe('GET /v1/health (health.json)', () => {
  it('is 200 { status: "ok" } with the request id and nosniff', async () => {
    const event = sampleEvent('health.json');
    const result = await health(event, lambdaContext('medfiles-health'));
    expect(result.statusCode).toBe(200);
    expect(z.catchall(Health, z.never()).parse(jsonOf(result))).toEqual({ status: 'ok' });
    expect(result.headers?.['x-request-id']).toBe(event.requestContext.requestId);
    expect(result.headers?.['x-content-type-options']).toBe('nosniff');
  });
});

describe('GET /v1/files (list-files.json: sort=originalName, order=asc, limit=2)', () => {
  it("a provider's pages walk the tenant's files by name, and only that tenant's", async () => {
    const first = await listFiles(sampleEvent('list-files.json', { token: providerToken }), lambdaContext('medfiles-list-files'));
    expect(first.statusCode).toBe(200);
    const page1 = z.catchall(FileList, z.never()).parse(jsonOf(first));
    expect(page1.files.map((f) => f.originalName)).toEqual(['a-lab-result.pdf', 'a-other-patient.pdf']);
    expect(page1.count).toBe(2);
    expect(page1.nextCursor).toEqual(expect.any(String));
    expect(first.headers?.['cache-control']).toBe('no-store');

    const second = await listFiles(
      sampleEvent('list-files.json', { token: providerToken, query: { cursor: page1.nextCursor! } }),
      lambdaContext('medfiles-list-files'),
    );
    const page2 = z.catchall(FileList, z.never()).parse(jsonOf(second));
    expect(page2.files.map((f) => f.originalName)).toEqual(['b-visit-note.pdf', 'c-xray.png']);
    expect(page2).toMatchObject({ count: 2, nextCursor: null });
    for (const file of [...page1.files, ...page2.files]) {
      expect(file.tenantId).toBe(tenant);
      expect(file).not.toHaveProperty('objectKey');
      expect(file.deletable).toBe(true);
    }
  });

  it('a patient sees only its own files', async () => {
    const result = await listFiles(sampleEvent('list-files.json', { token: patientToken, query: { limit: '10' } }), lambdaContext('medfiles-list-files'));
    expect(result.statusCode).toBe(200);
    const page = FileList.parse(jsonOf(result));
    expect(page.files.map((f) => f.originalName)).toEqual(['a-lab-result.pdf', 'b-visit-note.pdf', 'c-xray.png']);
    expect(page.files.every((f) => f.ownerId === 'patient-1' && f.deletable === false)).toBe(true);
  });

  it('without a token it is 401 with the error body and WWW-Authenticate', async () => {
    const event = sampleEvent('list-files.json', { token: null });
    const result = await listFiles(event, lambdaContext('medfiles-list-files'));
    expect(result.statusCode).toBe(401);
    const body = ErrorBody.parse(jsonOf(result));
    expect(body.error).toMatchObject({ code: 'unauthorized', requestId: event.requestContext.requestId });
    expect(result.headers?.['www-authenticate']).toBe('Bearer');
  });

  it('with the placeholder or a token signed with another secret it is 401', async () => {
    const placeholder = await listFiles(sampleEvent('list-files.json'), lambdaContext('medfiles-list-files'));
    expect(placeholder.statusCode).toBe(401);
    const forged = await mintToken('another-secret-0123456789abcdef-another', { sub: 'provider-7', tenant, role: 'admin' });
    const result = await listFiles(sampleEvent('list-files.json', { token: forged }), lambdaContext('medfiles-list-files'));
    expect(result.statusCode).toBe(401);
  });

  it('limit=0 is 422 naming the limit field', async () => {
    const result = await listFiles(sampleEvent('list-files.json', { token: providerToken, query: { limit: '0' } }), lambdaContext('medfiles-list-files'));
    expect(result.statusCode).toBe(422);
    const body = ErrorBody.parse(jsonOf(result));
    expect(body.error.code).toBe('validation_error');
    expect(body.error.details.map((d) => d.path)).toEqual(['limit']);
  });

  it('a cursor from another query is 422, never another page', async () => {
    const first = FileList.parse(jsonOf(await listFiles(sampleEvent('list-files.json', { token: providerToken }), lambdaContext('medfiles-list-files'))));
    const result = await listFiles(
      sampleEvent('list-files.json', { token: providerToken, query: { cursor: first.nextCursor!, sort: 'size' } }),
      lambdaContext('medfiles-list-files'),
    );
    expect(result.statusCode).toBe(422);
  });
});

describe('uploads and reads with the other sample events', () => {
  it('POST /v1/files (create-files-json.json) stores the file: 201 in request order', async () => {
    const result = await createFiles(sampleEvent('create-files-json.json', { token: providerToken }), lambdaContext('medfiles-create-files'));
    expect(result.statusCode).toBe(201);
    const body = FilesCreated.parse(jsonOf(result));
    expect(body.files).toHaveLength(1);
    expect(body.files[0]).toMatchObject({
      tenantId: tenant,
      ownerId: 'patient-1',
      createdBy: { id: 'provider-7', role: 'provider' },
      originalName: 'blood-pressure.txt',
      extension: 'txt',
      mimeType: 'text/plain',
      size: 'Blood pressure 120/80\n'.length,
      category: 'visit_note',
      recordType: 'medical',
      entity: { type: 'visit', id: 'v-42' },
      description: 'Sample upload',
      state: 'active',
      imageWidth: null,
      imageHeight: null,
    });
  });

  it('PUT /v1/files/{id}/content (put-file-content-binary.json): 201, then 200 for the same bytes; GET /v1/files/{id} reads it', async () => {
    const event = sampleEvent('put-file-content-binary.json', { token: providerToken });
    const id = event.pathParameters!.id!;
    const created = await putFileContent(event, lambdaContext('medfiles-put-file-content'));
    expect(created.statusCode).toBe(201);
    const file = FileResource.parse(jsonOf(created));
    expect(file).toMatchObject({ id, originalName: 'rash.png', mimeType: 'image/png', size: 94, imageWidth: 4, imageHeight: 3, category: 'imaging' });
    expect(created.headers?.etag).toMatch(/^"[^"]+"$/);

    const again = await putFileContent(sampleEvent('put-file-content-binary.json', { token: providerToken }), lambdaContext('medfiles-put-file-content'));
    expect(again.statusCode).toBe(200);
    expect(FileResource.parse(jsonOf(again)).id).toBe(id);

    const read = sampleEvent('get-file.json', { token: providerToken });
    read.pathParameters = { id };
    read.rawPath = `/v1/files/${id}`;
    const got = await getFile(read, lambdaContext('medfiles-get-file'));
    expect(got.statusCode).toBe(200);
    const withLink = FileWithLink.parse(jsonOf(got));
    expect(withLink.id).toBe(id);
    const link = new URL(withLink.downloadUrl!);
    expect(link.origin).toBe('https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com');
    expect(link.pathname).toBe(`/v1/files/${id}/content`);
    expect(link.toString()).not.toContain('rash');
  });

  it('GET /v1/files/{id} (get-file.json) of an id that does not exist is 404', async () => {
    const result = await getFile(sampleEvent('get-file.json', { token: providerToken }), lambdaContext('medfiles-get-file'));
    expect(result.statusCode).toBe(404);
    expect(ErrorBody.parse(jsonOf(result)).error.code).toBe('not_found');
  });
});
