/** The `sam-local` variant of the stack and local/sam-env.ts, which fills in its local-only variables. */
import { describe, expect, it } from 'vitest';
import { buildSamEnv, resolveSettings, type SamLocalSettings, type Template } from '../../local/sam-env.ts';
import { routes } from '../../shared/routes.ts';
import { logicalIdOf, synthMedFiles } from './synth.ts';

const local = synthMedFiles({ target: 'sam-local' });
const localTemplate = local.template.toJSON() as Template;
const deployable = synthMedFiles().template.toJSON() as Template;

const settings: SamLocalSettings = {
  bucket: 'medfiles-local',
  table: 'medfiles-local',
  auditTable: 'medfiles-local-audit',
  jwtSecret: 'j'.repeat(43),
  signingSecret: 's'.repeat(43),
  s3Endpoint: 'http://host.docker.internal:4569',
  dynamodbEndpoint: 'http://host.docker.internal:4567',
  lambdaEndpoint: 'http://host.docker.internal:3002',
  tenantClaim: 'tenant',
  roleClaim: 'role',
};

function variablesOf(template: Template, logicalId: string): Record<string, unknown> {
  return template.Resources?.[logicalId]?.Properties?.Environment?.Variables ?? {};
}

describe('sam-local target', () => {
  it('keeps the same routes as the deployable stack', () => {
    const keys = Object.values(local.template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey);
    expect(keys).toHaveLength(routes.length);
  });
});

describe('local/sam-env.ts', () => {
  const env = buildSamEnv(localTemplate, settings);

  it('writes an entry for every function, keyed by logical id', () => {
    const ids = [
      ...local.stack.routeFunctions.values(),
      ...local.stack.workerFunctions.values(),
      ...local.stack.consumerFunctions.values(),
    ].map((fn) =>
      logicalIdOf(fn.function),
    );
    expect(Object.keys(env).sort()).toEqual(ids.sort());
  });

  it('gives each function the local value of every variable it declares', () => {
    const localValues: Record<string, string> = {
      MEDFILES_BUCKET: 'medfiles-local',
      MEDFILES_TABLE: 'medfiles-local',
      MEDFILES_AUDIT_TABLE: 'medfiles-local-audit',
      MEDFILES_EVENT_BUS: '',
      MEDFILES_JWT_SECRET: settings.jwtSecret,
      MEDFILES_SIGNING_SECRET: settings.signingSecret,
      MEDFILES_SIGNING_SECRET_ARN: '',
      MEDFILES_S3_FORCE_PATH_STYLE: 'true',
      MEDFILES_CLAIM_TENANT: 'tenant',
      MEDFILES_CLAIM_ROLE: 'role',
      AWS_ENDPOINT_URL_S3: 'http://host.docker.internal:4569',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://host.docker.internal:4567',
      AWS_ENDPOINT_URL_LAMBDA: 'http://host.docker.internal:3002',
      MEDFILES_THUMBNAIL_FUNCTION: logicalIdOf(local.stack.workerFunctions.get('make-thumbnail')!.function),
    };
    for (const [id, variables] of Object.entries(env)) {
      const declared = Object.keys(variablesOf(localTemplate, id)).filter((name) => name in localValues);
      expect(variables, id).toEqual(Object.fromEntries(declared.map((name) => [name, localValues[name]])));
    }
    const publicRoutes = routes.filter((r) => r.public);
    expect(publicRoutes.length).toBeGreaterThan(0);
    for (const route of publicRoutes) expect(env[logicalIdOf(local.stack.routeFunctions.get(route.name)!.function)]).toEqual({});
  });

  it('sets only variables the function declares (sam ignores the rest)', () => {
    for (const [id, variables] of Object.entries(env)) {
      const declared = Object.keys(variablesOf(localTemplate, id));
      for (const name of Object.keys(variables)) expect(declared, `${id} ${name}`).toContain(name);
    }
  });

  it('empties the event bus name where one is declared: there is no local EventBridge', () => {
    const publishers = routes.filter((r) => r.grants.includes('bus:put'));
    expect(publishers.length).toBeGreaterThan(0);
    for (const route of publishers) {
      expect(env[logicalIdOf(local.stack.routeFunctions.get(route.name)!.function)]?.MEDFILES_EVENT_BUS).toBe('');
    }
  });

  it('sends the content function to `sam local start-lambda` for thumbnails, by the worker logical id', () => {
    const content = env[logicalIdOf(local.stack.routeFunctions.get('get-file-content')!.function)];
    const worker = logicalIdOf(local.stack.workerFunctions.get('make-thumbnail')!.function);
    expect(content).toMatchObject({ MEDFILES_THUMBNAIL_FUNCTION: worker, AWS_ENDPOINT_URL_LAMBDA: 'http://host.docker.internal:3002' });
    expect(env[worker]).not.toHaveProperty('MEDFILES_THUMBNAIL_FUNCTION');
  });

  it('refuses the deployable template, naming the command that makes the right one', () => {
    expect(() => buildSamEnv(deployable, settings)).toThrow(/-c medfiles:target=sam-local/);
  });

  it('takes settings from the environment, else from the secrets `npm start` keeps', () => {
    const stored = JSON.stringify({ jwtSecret: 'stored-jwt-secret-0123456789abcdef', signingSecret: 'stored-signing-0123456789abcdef' });
    const fromFile = resolveSettings({ MEDFILES_DATA_DIR: '/data' }, (file) => (file === '/data/secrets.json' ? stored : undefined));
    expect(fromFile).toMatchObject({
      jwtSecret: 'stored-jwt-secret-0123456789abcdef',
      signingSecret: 'stored-signing-0123456789abcdef',
      bucket: 'medfiles-local',
      auditTable: 'medfiles-local-audit',
      s3Endpoint: 'http://host.docker.internal:4569',
      dynamodbEndpoint: 'http://host.docker.internal:4567',
    });
    const fromEnv = resolveSettings(
      { MEDFILES_JWT_SECRET: 'env-jwt', AWS_ENDPOINT_URL_S3: 'http://192.168.1.5:4569', MEDFILES_BUCKET: 'b' },
      () => stored,
    );
    expect(fromEnv).toMatchObject({ jwtSecret: 'env-jwt', signingSecret: 'stored-signing-0123456789abcdef', s3Endpoint: 'http://192.168.1.5:4569', bucket: 'b' });
  });

  it('fails without secrets instead of inventing ones no token matches', () => {
    expect(() => resolveSettings({}, () => undefined)).toThrow(/npm start/);
  });
});
