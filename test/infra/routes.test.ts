/** The deployed API is the route table: one route and one Lambda function per entry, nothing more. */
import { describe, expect, it } from 'vitest';
import { routes, workers } from '../../shared/routes.ts';
import { consumers } from '../../shared/events.ts';
import { logicalIdOf, synthMedFiles } from './synth.ts';

const { stack, template } = synthMedFiles();

describe('routes', () => {
  it('has exactly one HTTP API route per route table entry', () => {
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey);
    expect(keys.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s → its own function', (routeKey, route) => {
    const fn = stack.routeFunctions.get(route.name);
    expect(fn, `no function for ${route.name}`).toBeDefined();
    const functionId = logicalIdOf(fn!.function);

    const [routeResource] = Object.values(
      template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey } }),
    );
    expect(routeResource?.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
    const target = routeResource?.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
    expect(target['Fn::Join'][1][0]).toBe('integrations/');
    const integrationId = target['Fn::Join'][1][1].Ref;
    const integration = template.toJSON().Resources[integrationId];
    expect(integration.Type).toBe('AWS::ApiGatewayV2::Integration');
    expect(integration.Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [functionId, 'Arn'] },
    });

    const lambda = template.toJSON().Resources[functionId];
    expect(lambda.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: route.memoryMb,
      Timeout: route.timeoutSeconds,
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      Description: `MedFiles ${routeKey}`,
      LoggingConfig: { LogGroup: { Ref: logicalIdOf(fn!.logGroup) } },
    });
  });

  it('has one function per entry and no others', () => {
    template.resourceCountIs('AWS::Lambda::Function', routes.length + workers.length + consumers.length);
    expect([...stack.routeFunctions.keys()].sort()).toEqual(routes.map((r) => r.name).sort());
    expect([...stack.workerFunctions.keys()].sort()).toEqual(workers.map((w) => w.name).sort());
  });

  it('gives each worker its memory and timeout, arm64 Node 24, and no HTTP route', () => {
    for (const worker of workers) {
      const fn = stack.workerFunctions.get(worker.name)!;
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: worker.memoryMb,
        Timeout: worker.timeoutSeconds,
        Description: `MedFiles worker ${worker.name}`,
      });
      const integrations = Object.values(template.findResources('AWS::ApiGatewayV2::Integration'));
      expect(JSON.stringify(integrations)).not.toContain(logicalIdOf(fn.function));
    }
  });

  it('ships sharp for linux-arm64 exactly to the functions the tables say use it', () => {
    for (const def of [...routes, ...workers]) {
      const fn = stack.routeFunctions.get(def.name) ?? stack.workerFunctions.get(def.name)!;
      expect(fn.nativeModules, def.name).toEqual(def.nativeModules ?? []);
    }
    expect(stack.workerFunctions.get('make-thumbnail')!.nativeModules).toContain('sharp');
  });

  it('lets the content route invoke the thumbnail worker, and names it there only', () => {
    const worker = stack.workerFunctions.get('make-thumbnail')!;
    const workerArn = { 'Fn::GetAtt': [logicalIdOf(worker.function), 'Arn'] };
    const policies = template.findResources('AWS::IAM::ManagedPolicy');
    for (const route of routes) {
      const fn = stack.routeFunctions.get(route.name)!;
      const variables = template.toJSON().Resources[logicalIdOf(fn.function)].Properties.Environment?.Variables ?? {};
      const rolePolicies = Object.values(policies).filter((p) =>
        JSON.stringify(p.Properties.Roles).includes(logicalIdOf(fn.role)),
      );
      const invokes = JSON.stringify(rolePolicies).includes(JSON.stringify(workerArn));
      if (route.invokes?.includes('make-thumbnail')) {
        expect(variables.MEDFILES_THUMBNAIL_FUNCTION, route.name).toEqual({ Ref: logicalIdOf(worker.function) });
        expect(invokes, route.name).toBe(true);
      } else {
        expect(variables, route.name).not.toHaveProperty('MEDFILES_THUMBNAIL_FUNCTION');
        expect(invokes, route.name).toBe(false);
      }
    }
    expect(routes.find((r) => r.name === 'get-file-content')!.invokes).toEqual(['make-thumbnail']);
  });

  it('declares the JWT parameters, optional claim names and an optional public URL', () => {
    const parameters = template.toJSON().Parameters;
    expect(parameters.JwtIssuer).not.toHaveProperty('Default');
    expect(parameters.JwtAudience).not.toHaveProperty('Default');
    expect(parameters.JwksUrl).toMatchObject({ AllowedPattern: '^https://\\S+$' });
    expect(parameters.TenantClaim).toMatchObject({ Default: 'tenant' });
    expect(parameters.RoleClaim).toMatchObject({ Default: 'role' });
    expect(parameters.PublicUrl).toMatchObject({ Default: '' });
    expect(template.toJSON().Conditions.HasPublicUrl).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'PublicUrl' }, ''] }],
    });
  });

  it('outputs the API URL, bucket and table names', () => {
    template.hasOutput('ApiUrl', {});
    template.hasOutput('BucketName', { Value: { Ref: logicalIdOf(stack.bucket) } });
    template.hasOutput('TableName', { Value: { Ref: logicalIdOf(stack.table) } });
  });
});
