/**
 * The variables a function gets besides the resource names that come with its grants (RouteFunction's `use…`
 * helpers), for the target being built. Each group goes only to the functions whose table entry implies it, so
 * a function is told nothing it has no use for, and shared/config.ts can require exactly what a function is given:
 *
 * | group   | given to                       | `aws`                                        | `sam-local`                     |
 * |---------|--------------------------------|----------------------------------------------|---------------------------------|
 * | token   | routes without `public: true`  | JWT issuer, audience, JWKS URL; claim names  | HS256 secret; claim names       |
 * | signing | grant `signing-key:read`       | public URL of content links (when set)       | the signing secret itself       |
 * | bucket  | any grant on an S3 bucket      |                                              | path-style S3, the S3 endpoint  |
 * | table   | any grant on a DynamoDB table  |                                              | the DynamoDB endpoint           |
 * | invoker | entries that `invokes` a worker|                                              | `sam local start-lambda`'s URL  |
 *
 * A function with no grants that checks no token (health, openapi) gets no variable at all.
 */
import type { FunctionDef, Grant } from '../shared/routes.ts';
import type { DeploymentParameters } from './parameters.ts';

/**
 * `aws` (default): the deployable template. `sam-local`: the same stack for `sam local start-api`, whose
 * functions declare the local-only variables (HS256 secret, signing secret, emulator endpoints) instead of the
 * JWKS settings, empty, because `sam local --env-vars` can only set variables that the template declares; they
 * are filled in by local/sam-env.ts. See docs/deploy.md.
 */
export type DeployTarget = 'aws' | 'sam-local';

type Variables = Readonly<Record<string, string>>;

interface TargetVariables {
  readonly token: Variables;
  readonly signing: Variables;
  readonly bucket: Variables;
  readonly table: Variables;
  readonly invoker: Variables;
}

/** True when the entry has any grant on the files bucket (`bucket:`) or the file table (`table:`). */
export function grantsAccessTo(def: FunctionDef, resource: 'bucket' | 'table'): boolean {
  return def.grants.some((grant) => grant.startsWith(`${resource}:`));
}

/** The kind of store each grant is on: its functions need that service's local endpoint variables. */
const STORE_OF_GRANT: Record<Grant, 'bucket' | 'table' | null> = {
  'bucket:read': 'bucket',
  'bucket:write': 'bucket',
  'bucket:delete': 'bucket',
  'table:read': 'table',
  'table:write': 'table',
  'bus:put': null,
  'signing-key:read': null,
  'queue:send': null,
  'audit:write': 'table',
  'audit:read': 'table',
  'audit-archive:write': 'bucket',
};

function usesStore(def: FunctionDef, store: 'bucket' | 'table'): boolean {
  return def.grants.some((grant) => STORE_OF_GRANT[grant] === store);
}

/** Each function's variables for one target and one set of deployment parameters. */
export class FunctionEnvironment {
  readonly #variables: TargetVariables;

  constructor(target: DeployTarget, parameters: DeploymentParameters) {
    this.#variables =
      target === 'aws'
        ? {
            token: {
              MEDFILES_JWT_ISSUER: parameters.jwtIssuer,
              MEDFILES_JWT_AUDIENCE: parameters.jwtAudience,
              MEDFILES_JWT_JWKS_URL: parameters.jwksUrl,
              MEDFILES_CLAIM_TENANT: parameters.tenantClaim,
              MEDFILES_CLAIM_ROLE: parameters.roleClaim,
            },
            signing: { MEDFILES_PUBLIC_URL: parameters.publicUrl },
            bucket: {},
            table: {},
            invoker: {},
          }
        : {
            token: {
              MEDFILES_JWT_SECRET: '',
              MEDFILES_CLAIM_TENANT: parameters.tenantClaim,
              MEDFILES_CLAIM_ROLE: parameters.roleClaim,
            },
            signing: { MEDFILES_SIGNING_SECRET: '' },
            bucket: { MEDFILES_S3_FORCE_PATH_STYLE: '', AWS_ENDPOINT_URL_S3: '' },
            table: { AWS_ENDPOINT_URL_DYNAMODB: '' },
            invoker: { AWS_ENDPOINT_URL_LAMBDA: '' },
          };
  }

  /** The variables of a route, worker or consumer entry; `checksToken` for routes without `public: true`. */
  of(def: FunctionDef, checksToken: boolean): Record<string, string> {
    const v = this.#variables;
    return {
      ...(checksToken ? v.token : {}),
      ...(def.grants.includes('signing-key:read') ? v.signing : {}),
      ...(usesStore(def, 'bucket') ? v.bucket : {}),
      ...(usesStore(def, 'table') ? v.table : {}),
      ...((def.invokes ?? []).length > 0 ? v.invoker : {}),
    };
  }
}
