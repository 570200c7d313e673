/**
 * The variables a function gets besides the resource names that come with its grants (RouteFunction's `use…`
 * helpers), for the target being built. Each group goes only to the functions whose table entry implies it, so
 * a function is told nothing it has no use for, and shared/config.ts can require exactly what a function is given:
 *
 * | group   | given to                       | `aws`                                        | `sam-local`                     |
 * |---------|--------------------------------|----------------------------------------------|---------------------------------|
 * | token   | routes without `public: true`  | JWT issuer, audience, JWKS URL; claim names  | HS256 secret; claim names       |
 * | signing | grant `signing-key:read`       | public URL of content links (when set)       | the signing secret itself       |
 * | bucket  | any `bucket:` grant            |                                              | path-style S3, the S3 endpoint  |
 * | table   | any `table:` grant             |                                              | the DynamoDB endpoint           |
 * | invoker | entries that `invokes` a worker|                                              | `sam local start-lambda`'s URL  |
 *
 * A function with no grants that checks no token (health, openapi) gets no variable at all.
 */
import type { FunctionDef } from '../shared/routes.ts';
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

/** True when the entry has any grant on the bucket (`bucket:`) or the table (`table:`). */
export function grantsAccessTo(def: FunctionDef, resource: 'bucket' | 'table'): boolean {
  return def.grants.some((grant) => grant.startsWith(`${resource}:`));
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
      ...(grantsAccessTo(def, 'bucket') ? v.bucket : {}),
      ...(grantsAccessTo(def, 'table') ? v.table : {}),
      ...((def.invokes ?? []).length > 0 ? v.invoker : {}),
    };
  }
}
