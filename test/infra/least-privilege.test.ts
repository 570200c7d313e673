/**
 * Each function's role holds exactly what its route table entry grants, on the resource each grant is on: a
 * read-only route cannot write, a route without bucket access cannot touch objects, and no statement uses an
 * action wildcard.
 */
import { describe, expect, it } from 'vitest';
import { routes, type Grant } from '../../shared/routes.ts';
import type { IConstruct } from 'constructs';
import { actionsOf, actionsOn, logicalIdOf, statementsOfRole, synthMedFiles, type Statement } from './synth.ts';

const { stack, template } = synthMedFiles();

function statementsOf(routeName: string): Statement[] {
  const fn = stack.routeFunctions.get(routeName);
  if (!fn) throw new Error(`no function for ${routeName}`);
  return statementsOfRole(template, logicalIdOf(fn.role));
}

/** Actions that only the given grant may bring, on the resource it is on. */
const ACTIONS_OF_GRANT: Record<Grant, { on: IConstruct; actions: readonly string[] }> = {
  'bucket:read': { on: stack.bucket, actions: ['s3:GetObject', 's3:ListBucket', 's3:ListMultipartUploadParts'] },
  'bucket:write': { on: stack.bucket, actions: ['s3:PutObject'] },
  'bucket:delete': { on: stack.bucket, actions: ['s3:DeleteObject'] },
  'table:read': { on: stack.table, actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
  'table:write': { on: stack.table, actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'] },
  'bus:put': { on: stack.eventBus, actions: ['events:PutEvents'] },
  'signing-key:read': { on: stack.signingSecret, actions: ['secretsmanager:GetSecretValue'] },
  'queue:send': { on: stack.webhookDeadLetters, actions: ['sqs:SendMessage'] },
  'audit:write': { on: stack.auditTable, actions: ['dynamodb:PutItem'] },
  'audit:read': { on: stack.auditTable, actions: ['dynamodb:Query'] },
  'audit-archive:write': { on: stack.auditArchiveBucket, actions: ['s3:PutObject'] },
};

describe('least privilege', () => {
  it('gives get-file (read-only) no way to write objects or file items, and only appends to the audit trail', () => {
    const statements = statementsOf('get-file');
    const actions = actionsOf(statements);
    expect(actionsOn(statements, logicalIdOf(stack.table))).toContain('dynamodb:GetItem');
    for (const forbidden of ['s3:PutObject', 's3:DeleteObject', 's3:GetObject', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'events:PutEvents']) {
      expect(actions, forbidden).not.toContain(forbidden);
    }
    expect(actionsOn(statements, logicalIdOf(stack.table))).not.toContain('dynamodb:PutItem');
    expect([...actionsOn(statements, logicalIdOf(stack.auditTable))]).toEqual(['dynamodb:PutItem']);
  });

  it.each(routes.map((r) => [r.name, r] as const))('%s has the actions of its grants and none of the others', (_, route) => {
    const statements = statementsOf(route.name);
    for (const [grant, { on, actions: grantActions }] of Object.entries(ACTIONS_OF_GRANT) as [Grant, (typeof ACTIONS_OF_GRANT)[Grant]][]) {
      const actions = actionsOn(statements, logicalIdOf(on));
      for (const action of grantActions) {
        if (route.grants.includes(grant)) expect(actions, `${grant} → ${action}`).toContain(action);
        else expect(actions, `${action} without ${grant}`).not.toContain(action);
      }
    }
  });

  it('uses no action wildcards and names the table indexes one by one', () => {
    for (const route of routes) {
      const statements = statementsOf(route.name);
      for (const action of actionsOf(statements)) expect(action, route.name).not.toContain('*');
      for (const statement of statements) {
        expect(JSON.stringify(statement.Resource), route.name).not.toContain('/index/*');
      }
    }
  });

  it('decrypts the signing secret only through Secrets Manager', () => {
    const kms = statementsOf('get-file').filter((s) => actionsOf([s]).has('kms:Decrypt'));
    expect(kms).toHaveLength(1);
    expect(JSON.stringify(kms[0]!.Condition)).toContain('kms:ViaService');
    expect(JSON.stringify(kms[0]!.Condition)).toContain('secretsmanager.');
  });

  it('uses customer-managed policies only: no inline policies, no AWS-managed ones', () => {
    template.resourceCountIs('AWS::IAM::Policy', 0);
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.Policies).toBeUndefined();
      expect(JSON.stringify(role.Properties.ManagedPolicyArns ?? [])).not.toContain(':iam::aws:policy');
    }
  });

  it('lets each function write only to its own log group', () => {
    for (const [name, fn] of stack.routeFunctions) {
      const logs = statementsOfRole(template, logicalIdOf(fn.role)).filter((s) => actionsOf([s]).has('logs:PutLogEvents'));
      expect(logs.map((s) => s.Resource), name).toEqual([{ 'Fn::GetAtt': [logicalIdOf(fn.logGroup), 'Arn'] }]);
    }
  });
});
