/**
 * The Lambda functions of the synthesized stack as the cold-start report needs them: which table entry each one
 * is, where its bundle is, and the environment the template gives it, resolved offline (no account, no network).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { consumers } from '../shared/events.ts';
import { routes, workers, type FunctionDef } from '../shared/routes.ts';

export interface StackFunction {
  /** The route, worker or consumer table entry the function was made from. */
  def: FunctionDef;
  kind: 'route' | 'worker' | 'consumer';
  /** The bundled handler module (index.mjs in the function's asset directory). */
  bundle: string;
  /** The function's environment variables, CloudFormation references replaced by dummy values of their shape. */
  environment: Record<string, string>;
}

interface Template {
  Parameters?: Record<string, { Default?: string }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Metadata?: Record<string, string>; Properties?: Record<string, unknown> }>;
}

/** The region the resolved environment and the imports run in (Lambda always sets AWS_REGION). */
export const REGION = 'us-east-1';
const STACK = 'MedFilesStack';

/**
 * `cdk synth --quiet -o outdir` (with bundling, as a deployment would). A cdk-nag finding makes synth exit 1
 * after the assembly is written: the bundles are still what would ship, so only a missing template is fatal.
 */
export function synthesize(repoRoot: string, outdir: string): { template: Template; warning?: string } {
  const run = spawnSync(join(repoRoot, 'node_modules/.bin/cdk'), ['synth', '--quiet', '-o', outdir], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const templateFile = join(outdir, `${STACK}.template.json`);
  const log = `${run.stdout}\n${run.stderr}`
    .split('\n')
    .filter((line) => line.trim() && !/^\s*[│└├]/.test(line))
    .slice(-25)
    .join('\n');
  if (!existsSync(templateFile)) throw new Error(`cdk synth failed (exit ${run.status}):\n${log}`);
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as Template;
  return { template, warning: run.status === 0 ? undefined : `cdk synth exited ${run.status}:\n${log}` };
}

/** Every Lambda function in the template, matched to its table entry by its construct path (`Route-<name>/…`). */
export function stackFunctions(template: Template, outdir: string): { functions: StackFunction[]; unmatched: string[] } {
  const tables = [
    ...routes.map((def) => ({ def, kind: 'route' as const })),
    ...workers.map((def) => ({ def, kind: 'worker' as const })),
    ...consumers.map((def) => ({ def, kind: 'consumer' as const })),
  ];
  const functions: StackFunction[] = [];
  const unmatched: string[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const segments = (resource.Metadata?.['aws:cdk:path'] ?? '').split('/');
    const entry = tables.find(({ def }) => segments.some((s) => s === def.name || s.endsWith(`-${def.name}`)));
    const asset = resource.Metadata?.['aws:asset:path'];
    const bundle = asset ? join(outdir, asset, 'index.mjs') : undefined;
    if (!entry || !bundle || !existsSync(bundle)) {
      unmatched.push(logicalId);
      continue;
    }
    const variables = ((resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {});
    const environment: Record<string, string> = {};
    for (const [name, value] of Object.entries(variables)) {
      const resolved = resolve(template, name, value);
      if (resolved !== undefined) environment[name] = resolved;
    }
    offline(environment);
    functions.push({ ...entry, bundle, environment });
  }
  return { functions, unmatched };
}

/**
 * Functions that sign links read their key from Secrets Manager during init (top-level await): a network call
 * this offline report cannot make. The key is given directly instead, as the local runtime does; the Secrets
 * Manager client is still in the bundle, so its loading is measured, only the call (one round trip) is not.
 */
function offline(environment: Record<string, string>): void {
  if (environment.MEDFILES_SIGNING_SECRET_ARN === undefined) return;
  delete environment.MEDFILES_SIGNING_SECRET_ARN;
  environment.MEDFILES_SIGNING_SECRET = 'bench-cold-offline-signing-key-0123456789';
}

const NO_VALUE = Symbol('AWS::NoValue');

/**
 * A variable's value as a deployment with default parameters would see it, offline: literals as they are,
 * parameters by their default, conditions evaluated, and anything only known at deploy time (resource names,
 * ARNs, URLs) a dummy of the shape the variable's name implies. `undefined` when the value is AWS::NoValue.
 */
function resolve(template: Template, name: string, value: unknown): string | undefined {
  const dummy = (id: string) => {
    const slug = id.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    if (/_ARN$/.test(name)) return `arn:aws:secretsmanager:${REGION}:123456789012:secret:${slug}`;
    if (/_(URL|ISSUER)$/.test(name)) return `https://${slug}.example.com/${slug}`;
    return `medfiles-${slug}`;
  };
  const evaluate = (v: unknown): string | boolean | typeof NO_VALUE => {
    if (typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return String(v);
    const [fn, args] = Object.entries(v as Record<string, unknown>)[0] ?? [];
    switch (fn) {
      case 'Ref': {
        const id = args as string;
        if (id === 'AWS::NoValue') return NO_VALUE;
        if (id === 'AWS::Region') return REGION;
        return template.Parameters?.[id]?.Default ?? dummy(id);
      }
      case 'Condition':
        return evaluate(template.Conditions?.[args as string]);
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = args as [string, unknown, unknown];
        return evaluate(evaluate(template.Conditions?.[condition]) === true ? whenTrue : whenFalse);
      }
      case 'Fn::Equals': {
        const [a, b] = args as [unknown, unknown];
        return evaluate(a) === evaluate(b);
      }
      case 'Fn::Not':
        return evaluate((args as unknown[])[0]) !== true;
      case 'Fn::And':
        return (args as unknown[]).every((c) => evaluate(c) === true);
      case 'Fn::Or':
        return (args as unknown[]).some((c) => evaluate(c) === true);
      default:
        // Fn::GetAtt [resource, attribute], Fn::Join, Fn::Sub…: known only at deploy time.
        return dummy(Array.isArray(args) && typeof args[0] === 'string' ? args[0] : name);
    }
  };
  const result = evaluate(value);
  return result === NO_VALUE ? undefined : String(result);
}
