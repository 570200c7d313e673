/**
 * The route table: every HTTP route of the API, once.
 *
 * The CDK stack (infra/) makes one Lambda function and one HTTP API route per entry, and the local runtime
 * (local/) serves the same entries with the same handler modules, so the deployed API and the local one
 * cannot drift. An infra test checks that every entry is in the synthesized template.
 */

/** What a function may touch; the CDK construct turns each into an IAM grant plus the env var it needs. */
export type Grant =
  | 'bucket:read'
  | 'bucket:write'
  | 'bucket:delete'
  | 'table:read'
  | 'table:write'
  | 'bus:put'
  | 'signing-key:read';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDef {
  /** Logical name; also the handler module `functions/<name>.ts`. */
  readonly name: string;
  readonly method: HttpMethod;
  /** API Gateway path template, e.g. `/v1/files/{id}`. */
  readonly path: string;
  /** Lambda memory; more memory also means more CPU (hashing, base64, sniffing). */
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly grants: readonly Grant[];
}

const READ: readonly Grant[] = ['table:read', 'signing-key:read'];
const WRITE: readonly Grant[] = ['table:read', 'table:write', 'bus:put', 'signing-key:read'];

export const routes: readonly RouteDef[] = [
  { name: 'health', method: 'GET', path: '/v1/health', memoryMb: 256, timeoutSeconds: 3, grants: [] },
  { name: 'openapi', method: 'GET', path: '/v1/openapi.json', memoryMb: 256, timeoutSeconds: 5, grants: [] },
  {
    name: 'create-files', method: 'POST', path: '/v1/files', memoryMb: 1024, timeoutSeconds: 29,
    grants: [...WRITE, 'bucket:write', 'bucket:delete'],
  },
  {
    name: 'put-file-content', method: 'PUT', path: '/v1/files/{id}/content', memoryMb: 1024, timeoutSeconds: 29,
    grants: [...WRITE, 'bucket:write', 'bucket:delete'],
  },
  { name: 'list-files', method: 'GET', path: '/v1/files', memoryMb: 512, timeoutSeconds: 10, grants: READ },
  { name: 'get-file', method: 'GET', path: '/v1/files/{id}', memoryMb: 512, timeoutSeconds: 10, grants: READ },
  {
    name: 'get-file-content', method: 'GET', path: '/v1/files/{id}/content', memoryMb: 1024, timeoutSeconds: 29,
    grants: [...READ, 'bucket:read'],
  },
  {
    name: 'update-file', method: 'PATCH', path: '/v1/files/{id}', memoryMb: 512, timeoutSeconds: 29,
    grants: [...WRITE, 'bucket:read', 'bucket:write', 'bucket:delete'],
  },
  {
    name: 'delete-file', method: 'DELETE', path: '/v1/files/{id}', memoryMb: 512, timeoutSeconds: 29,
    grants: [...WRITE, 'bucket:read', 'bucket:delete'],
  },
  {
    name: 'restore-file', method: 'POST', path: '/v1/files/{id}/restore', memoryMb: 512, timeoutSeconds: 10,
    grants: WRITE,
  },
];
