/** The role every MedFiles function runs with. */
import {
  ManagedPolicy,
  Role,
  type AddToPrincipalPolicyResult,
  type PolicyStatement,
  type RoleProps,
} from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * A role whose permissions live in one customer-managed policy instead of the inline default policy CDK would
 * create. The HIPAA Security pack (IAMNoInlinePolicy) forbids inline policies, and AWS-managed policies such as
 * AWSLambdaBasicExecutionRole are broader than a function needs (AwsSolutions-IAM4). Every grant CDK makes
 * (`grantWrite`, tracing, dead-letter queues) goes through `addToPrincipalPolicy`, so overriding it catches them all.
 *
 * The policy names the role (AWS::IAM::ManagedPolicy `Roles`) rather than the role listing the policy, so the role
 * depends on nothing: a key or bucket policy that names the role and a statement here that names the key or bucket
 * cannot form a dependency cycle.
 */
export class ManagedPolicyRole extends Role {
  readonly permissions: ManagedPolicy;

  constructor(scope: Construct, id: string, props: RoleProps) {
    super(scope, id, props);
    this.permissions = new ManagedPolicy(this, 'Permissions', { description: props.description, roles: [this] });
  }

  override addToPrincipalPolicy(statement: PolicyStatement): AddToPrincipalPolicyResult {
    this.permissions.addStatements(statement);
    return { statementAdded: true, policyDependable: this.permissions };
  }
}
