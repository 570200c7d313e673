/**
 * The CDK app: one MedFiles stack, checked by the AWS Solutions and HIPAA Security rule packs of cdk-nag on every
 * synth. A finding that is neither fixed nor acknowledged (infra/nag-acknowledgements.ts) makes `cdk synth` fail.
 *
 * Synthesizes offline, with no account, region or context. `-c medfiles:target=sam-local` builds the variant for
 * `sam local start-api` (see docs/deploy.md); `-c medfiles:corsOrigins=https://app.example.com,...` lets browsers
 * on those origins call the API and upload straight to the bucket; `-c medfiles:auditRetentionDays=2555` locks archived
 * audit records for that many days instead of six years (a value that is not a whole number of days from 1 to
 * 36,500 fails the synth); `-c medfiles:console=true` hosts the console (`npm run console:build` first) behind
 * CloudFront and adds its origin to the CORS origins.
 */
import { App, Duration, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { parseConfig } from '../shared/config.ts';
import type { DeployTarget } from './function-environment.ts';
import { MedFilesStack } from './stack.ts';

const TARGETS: readonly DeployTarget[] = ['aws', 'sam-local'];

const app = new App();
const target: unknown = app.node.tryGetContext('medfiles:target') ?? 'aws';
if (!TARGETS.includes(target as DeployTarget)) {
  throw new Error(`medfiles:target must be one of ${TARGETS.join(', ')}, got ${JSON.stringify(target)}`);
}
// The same rule as the functions' MEDFILES_CORS_ORIGINS (a bad origin fails the synth, naming it).
const { corsOrigins } = parseConfig({ MEDFILES_CORS_ORIGINS: String(app.node.tryGetContext('medfiles:corsOrigins') ?? '') });
// Days each archived audit record is locked (compliance mode); unset, the stack's default of six years.
const retentionDays: unknown = app.node.tryGetContext('medfiles:auditRetentionDays');
const auditRetention = retentionDays === undefined ? undefined : Duration.days(Number(retentionDays));
const consoleOption: unknown = app.node.tryGetContext('medfiles:console') ?? 'false';
if (!['true', 'false'].includes(String(consoleOption))) {
  throw new Error(`medfiles:console must be true or false, got ${JSON.stringify(consoleOption)}`);
}
new MedFilesStack(app, 'MedFilesStack', {
  target: target as DeployTarget,
  corsOrigins,
  auditRetention,
  console: String(consoleOption) === 'true',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
