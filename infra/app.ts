/**
 * The CDK app: one MedFiles stack, checked by the AWS Solutions and HIPAA Security rule packs of cdk-nag on every
 * synth. A finding that is neither fixed nor acknowledged (infra/nag-acknowledgements.ts) makes `cdk synth` fail.
 *
 * Synthesizes offline, with no account, region or context. `-c medfiles:target=sam-local` builds the variant for
 * `sam local start-api` (see docs/deploy.md).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import type { DeployTarget } from './function-environment.ts';
import { MedFilesStack } from './stack.ts';

const TARGETS: readonly DeployTarget[] = ['aws', 'sam-local'];

const app = new App();
const target: unknown = app.node.tryGetContext('medfiles:target') ?? 'aws';
if (!TARGETS.includes(target as DeployTarget)) {
  throw new Error(`medfiles:target must be one of ${TARGETS.join(', ')}, got ${JSON.stringify(target)}`);
}
new MedFilesStack(app, 'MedFilesStack', { target: target as DeployTarget });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
