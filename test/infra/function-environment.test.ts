/**
 * Each function is told exactly what its table entry implies (the contract shared/config.ts checks at cold start):
 * a resource's name only with a grant on it, the token settings only on routes without `public: true`, the
 * local-only variables of the `sam-local` target only where the same grants need them, and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { consumers } from '../../shared/events.ts';
import { routes, workers, type FunctionDef, type Grant } from '../../shared/routes.ts';
import type { DeployTarget } from '../../infra/function-environment.ts';
import type { RouteFunction } from '../../infra/route-function.ts';
import { logicalIdOf, synthMedFiles, type Synthesized } from './synth.ts';

const TARGETS: readonly DeployTarget[] = ['aws', 'sam-local'];
const synthesized = Object.fromEntries(TARGETS.map((target) => [target, synthMedFiles({ target })])) as Record<
  DeployTarget,
  Synthesized
>;

/** The variables each grant brings, per target (written out here, not derived from infra/). */
const VARIABLES_OF_GRANT: Record<DeployTarget, Record<Grant, readonly string[]>> = {
  aws: {
    'bucket:read': ['MEDFILES_BUCKET'],
    'bucket:write': ['MEDFILES_BUCKET'],
    'bucket:delete': ['MEDFILES_BUCKET'],
    'table:read': ['MEDFILES_TABLE'],
    'table:write': ['MEDFILES_TABLE'],
    'bus:put': ['MEDFILES_EVENT_BUS'],
    'signing-key:read': ['MEDFILES_SIGNING_SECRET_ARN', 'MEDFILES_PUBLIC_URL'],
    'queue:send': ['MEDFILES_WEBHOOK_DLQ_URL'],
    'audit:write': ['MEDFILES_AUDIT_TABLE'],
    'audit:read': ['MEDFILES_AUDIT_TABLE'],
    'audit-archive:write': ['MEDFILES_AUDIT_ARCHIVE_BUCKET'],
  },
  'sam-local': {
    'bucket:read': ['MEDFILES_BUCKET', 'MEDFILES_S3_FORCE_PATH_STYLE', 'AWS_ENDPOINT_URL_S3'],
    'bucket:write': ['MEDFILES_BUCKET', 'MEDFILES_S3_FORCE_PATH_STYLE', 'AWS_ENDPOINT_URL_S3'],
    'bucket:delete': ['MEDFILES_BUCKET', 'MEDFILES_S3_FORCE_PATH_STYLE', 'AWS_ENDPOINT_URL_S3'],
    'table:read': ['MEDFILES_TABLE', 'AWS_ENDPOINT_URL_DYNAMODB'],
    'table:write': ['MEDFILES_TABLE', 'AWS_ENDPOINT_URL_DYNAMODB'],
    'bus:put': ['MEDFILES_EVENT_BUS'],
    'signing-key:read': ['MEDFILES_SIGNING_SECRET_ARN', 'MEDFILES_SIGNING_SECRET'],
    'queue:send': ['MEDFILES_WEBHOOK_DLQ_URL'],
    'audit:write': ['MEDFILES_AUDIT_TABLE', 'AWS_ENDPOINT_URL_DYNAMODB'],
    'audit:read': ['MEDFILES_AUDIT_TABLE', 'AWS_ENDPOINT_URL_DYNAMODB'],
    'audit-archive:write': ['MEDFILES_AUDIT_ARCHIVE_BUCKET', 'MEDFILES_S3_FORCE_PATH_STYLE', 'AWS_ENDPOINT_URL_S3'],
  },
};

/** The names of the stack's resources, each brought by a grant on it. */
const RESOURCE_VARIABLES = new Set([
  'MEDFILES_BUCKET',
  'MEDFILES_TABLE',
  'MEDFILES_EVENT_BUS',
  'MEDFILES_SIGNING_SECRET_ARN',
  'MEDFILES_WEBHOOK_DLQ_URL',
  'MEDFILES_AUDIT_TABLE',
  'MEDFILES_AUDIT_ARCHIVE_BUCKET',
]);

/** What a route that checks bearer tokens is told, per target. */
const TOKEN_VARIABLES: Record<DeployTarget, readonly string[]> = {
  aws: ['MEDFILES_JWT_ISSUER', 'MEDFILES_JWT_AUDIENCE', 'MEDFILES_JWT_JWKS_URL', 'MEDFILES_CLAIM_TENANT', 'MEDFILES_CLAIM_ROLE'],
  'sam-local': ['MEDFILES_JWT_SECRET', 'MEDFILES_CLAIM_TENANT', 'MEDFILES_CLAIM_ROLE'],
};

/** What a function that invokes a worker is told besides the worker's name, per target. */
const INVOKER_VARIABLES: Record<DeployTarget, readonly string[]> = {
  aws: [],
  'sam-local': ['AWS_ENDPOINT_URL_LAMBDA'],
};

interface Entry {
  kind: 'route' | 'worker' | 'consumer';
  def: FunctionDef;
  checksToken: boolean;
  functionOf: (s: Synthesized) => RouteFunction;
}

const entries: Entry[] = [
  ...routes.map((def) => ({
    kind: 'route' as const,
    def,
    checksToken: def.public !== true,
    functionOf: (s: Synthesized) => s.stack.routeFunctions.get(def.name)!,
  })),
  ...workers.map((def) => ({
    kind: 'worker' as const,
    def,
    checksToken: false,
    functionOf: (s: Synthesized) => s.stack.workerFunctions.get(def.name)!,
  })),
  ...consumers.map((def) => ({
    kind: 'consumer' as const,
    def,
    checksToken: false,
    functionOf: (s: Synthesized) => s.stack.consumerFunctions.get(def.name)!,
  })),
];

function expectedVariables(entry: Entry, target: DeployTarget): string[] {
  const names = new Set<string>(entry.def.grants.flatMap((grant) => VARIABLES_OF_GRANT[target][grant]));
  if (entry.checksToken) for (const name of TOKEN_VARIABLES[target]) names.add(name);
  for (const worker of entry.def.invokes ?? []) {
    names.add(workers.find((w) => w.name === worker)!.envVar);
    for (const name of INVOKER_VARIABLES[target]) names.add(name);
  }
  return [...names].sort();
}

function variablesOf(s: Synthesized, fn: RouteFunction): Record<string, unknown> | undefined {
  return s.template.toJSON().Resources[logicalIdOf(fn.function)].Properties.Environment?.Variables;
}

function allFunctions(s: Synthesized): [string, RouteFunction][] {
  return [...s.stack.routeFunctions, ...s.stack.workerFunctions, ...s.stack.consumerFunctions];
}

describe.each(TARGETS)('%s target: function environments', (target) => {
  const s = synthesized[target];

  it.each(entries.map((e) => [`${e.kind} ${e.def.name}`, e] as const))(
    '%s has exactly the variables its grants, invokes and `public` imply',
    (_, entry) => {
      const names = Object.keys(variablesOf(s, entry.functionOf(s)) ?? {}).sort();
      expect(names).toEqual(expectedVariables(entry, target));
    },
  );

  it('gives the public routes (health, openapi) no variable at all', () => {
    const publicRoutes = routes.filter((r) => r.public);
    expect(publicRoutes.map((r) => r.name).sort()).toEqual(['health', 'openapi']);
    for (const route of publicRoutes) {
      expect(variablesOf(s, s.stack.routeFunctions.get(route.name)!), route.name).toBeUndefined();
    }
  });

  it('tells the thumbnail worker the bucket only: no table, no signing key, no token settings', () => {
    const names = Object.keys(variablesOf(s, s.stack.workerFunctions.get('make-thumbnail')!) ?? {});
    expect(names.filter((name) => RESOURCE_VARIABLES.has(name) || TOKEN_VARIABLES[target].includes(name))).toEqual([
      'MEDFILES_BUCKET',
    ]);
  });

  it('sets no NODE_OPTIONS anywhere: the functions ship no source maps', () => {
    for (const [name, fn] of allFunctions(s)) expect(variablesOf(s, fn) ?? {}, name).not.toHaveProperty('NODE_OPTIONS');
  });

  it('points each resource variable at the resource its grant is on', () => {
    const resourceOf: Record<string, unknown> = {
      MEDFILES_BUCKET: { Ref: logicalIdOf(s.stack.bucket) },
      MEDFILES_TABLE: { Ref: logicalIdOf(s.stack.table) },
      MEDFILES_EVENT_BUS: { Ref: logicalIdOf(s.stack.eventBus) },
      MEDFILES_SIGNING_SECRET_ARN: { Ref: logicalIdOf(s.stack.signingSecret) },
      MEDFILES_WEBHOOK_DLQ_URL: { Ref: logicalIdOf(s.stack.webhookDeadLetters) },
      MEDFILES_AUDIT_TABLE: { Ref: logicalIdOf(s.stack.auditTable) },
      MEDFILES_AUDIT_ARCHIVE_BUCKET: { Ref: logicalIdOf(s.stack.auditArchiveBucket) },
    };
    for (const [name, fn] of allFunctions(s)) {
      for (const [variable, value] of Object.entries(variablesOf(s, fn) ?? {})) {
        if (variable in resourceOf) expect(value, `${name} ${variable}`).toEqual(resourceOf[variable]);
      }
    }
  });
});

describe('token and link settings', () => {
  it('come from the deployment parameters in the deployable template', () => {
    const s = synthesized.aws;
    for (const route of routes.filter((r) => !r.public)) {
      const variables = variablesOf(s, s.stack.routeFunctions.get(route.name)!);
      expect(variables, route.name).toMatchObject({
        MEDFILES_JWT_ISSUER: { Ref: 'JwtIssuer' },
        MEDFILES_JWT_AUDIENCE: { Ref: 'JwtAudience' },
        MEDFILES_JWT_JWKS_URL: { Ref: 'JwksUrl' },
        MEDFILES_CLAIM_TENANT: { Ref: 'TenantClaim' },
        MEDFILES_CLAIM_ROLE: { Ref: 'RoleClaim' },
      });
      // Only functions that sign links or cursors learn the public origin. Set only when the PublicUrl parameter
      // is not empty: config.ts rejects an empty URL.
      if (route.grants.includes('signing-key:read')) {
        expect(variables?.MEDFILES_PUBLIC_URL, route.name).toEqual({ 'Fn::If': ['HasPublicUrl', { Ref: 'PublicUrl' }, { Ref: 'AWS::NoValue' }] });
      } else {
        expect(variables, route.name).not.toHaveProperty('MEDFILES_PUBLIC_URL');
      }
    }
  });

  it('are declared empty by the sam-local target, for local/sam-env.ts to fill in; claim names stay parameters', () => {
    const s = synthesized['sam-local'];
    const localOnly = new Set(['MEDFILES_JWT_SECRET', 'MEDFILES_SIGNING_SECRET', 'MEDFILES_S3_FORCE_PATH_STYLE']);
    for (const [name, fn] of allFunctions(s)) {
      for (const [variable, value] of Object.entries(variablesOf(s, fn) ?? {})) {
        if (localOnly.has(variable) || variable.startsWith('AWS_ENDPOINT_URL_')) expect(value, `${name} ${variable}`).toBe('');
      }
    }
    expect(variablesOf(s, s.stack.routeFunctions.get('get-file')!)).toMatchObject({
      MEDFILES_CLAIM_TENANT: { Ref: 'TenantClaim' },
      MEDFILES_CLAIM_ROLE: { Ref: 'RoleClaim' },
    });
  });
});
