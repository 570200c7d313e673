/**
 * Every function of the stack starts — its module's init runs: configuration checked, ports wired, clients made —
 * with exactly the environment the synthesized template gives it, and stops with the variable's name when one of
 * the resource variables it was given is missing. So a function never carries a setting it does not need, and a
 * deployed function cannot be short of one: the grants in shared/routes.ts, the variables infra/ sets from them and
 * what each handler's wiring asks for at init are checked against each other.
 *
 * Deploy-time values are dummies (no network is used at init, except the signing key from Secrets Manager: it is
 * given directly here, as the local runtime does).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RouteFunction } from '../../infra/route-function.ts';
import { consumers } from '../../shared/events.ts';
import { routes, workers } from '../../shared/routes.ts';
import { logicalIdOf, synthMedFiles } from './synth.ts';

const s = synthMedFiles();
const resources = s.template.toJSON().Resources as Record<string, { Properties: { Environment?: { Variables?: Record<string, unknown> } } }>;

/** Variables without which a function must refuse to start (the others have defaults or are optional). */
const REQUIRED = new Set([
  'MEDFILES_BUCKET', 'MEDFILES_TABLE', 'MEDFILES_EVENT_BUS', 'MEDFILES_SIGNING_SECRET', 'MEDFILES_JWT_JWKS_URL',
  'MEDFILES_WEBHOOK_DLQ_URL', 'MEDFILES_THUMBNAIL_FUNCTION', 'MEDFILES_AUDIT_TABLE', 'MEDFILES_AUDIT_ARCHIVE_BUCKET',
]);

function dummy(name: string): string {
  if (name === 'MEDFILES_SIGNING_SECRET') return 'function-start-test-signing-key-0123456789';
  if (name.endsWith('_URL')) return 'https://example.invalid/medfiles';
  return `dummy-${name.toLowerCase().replaceAll('_', '-')}`;
}

/** The function's variables as a deployment with default parameters sees them (optional ones left out). */
function environmentOf(fn: RouteFunction): Record<string, string> {
  const variables = resources[logicalIdOf(fn.function)]!.Properties.Environment?.Variables ?? {};
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    // `Fn::If` with AWS::NoValue: set only when a deployment parameter is given (MEDFILES_PUBLIC_URL).
    if (typeof value === 'object' && value !== null && 'Fn::If' in value) continue;
    if (name === 'MEDFILES_SIGNING_SECRET_ARN') env.MEDFILES_SIGNING_SECRET = dummy('MEDFILES_SIGNING_SECRET');
    else env[name] = typeof value === 'string' ? value : dummy(name);
  }
  return env;
}

const saved = process.env;

async function start(name: string, env: Record<string, string>): Promise<void> {
  vi.resetModules();
  process.env = { ...env, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', POWERTOOLS_LOG_LEVEL: 'SILENT' };
  await import(`../../functions/${name}.ts`);
}

afterEach(() => {
  process.env = saved;
});

const functions: [string, RouteFunction][] = [
  ...routes.map((r) => [r.name, s.stack.routeFunctions.get(r.name)!] as [string, RouteFunction]),
  ...workers.map((w) => [w.name, s.stack.workerFunctions.get(w.name)!] as [string, RouteFunction]),
  ...consumers.map((c) => [c.name, s.stack.consumerFunctions.get(c.name)!] as [string, RouteFunction]),
];

describe('each function starts with the environment the stack gives it, and needs all of it', () => {
  it.each(functions)('%s', async (name, fn) => {
    const env = environmentOf(fn);
    await expect(start(name, env), 'starts').resolves.toBeUndefined();
    for (const variable of Object.keys(env).filter((v) => REQUIRED.has(v))) {
      const { [variable]: _missing, ...without } = env;
      await expect(start(name, without), `without ${variable}`).rejects.toThrow(variable);
    }
  });

  it('health and openapi need nothing, and the thumbnail worker only the bucket', () => {
    expect(environmentOf(s.stack.routeFunctions.get('health')!)).toEqual({});
    expect(environmentOf(s.stack.routeFunctions.get('openapi')!)).toEqual({});
    expect(Object.keys(environmentOf(s.stack.workerFunctions.get('make-thumbnail')!))).toEqual(['MEDFILES_BUCKET']);
  });
});
