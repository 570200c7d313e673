/**
 * The audit trail's storage (infra/audit.ts): an append-only table that no role of the template can rewrite and
 * whose own resource policy forbids it to everyone, an Object Lock archive fed by the table's stream (new and old
 * images) under a key no one may disable or delete, and an alarm on the tampering the archiver counts.
 */
import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import type { RouteFunction } from '../../infra/route-function.ts';
import { AUDIT_TABLE_SCHEMA } from '../../shared/adapters/audit-table-schema.ts';
import { consumers } from '../../shared/events.ts';
import { routes, workers, type FunctionDef } from '../../shared/routes.ts';
import { actionsOn, expectIndexesOf, logicalIdOf, refersTo, statementsOfRole, synthMedFiles, type Statement } from './synth.ts';

const { stack, template } = synthMedFiles();
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any; DeletionPolicy?: string }>;
const auditTableId = logicalIdOf(stack.auditTable);
const archiveBucketId = logicalIdOf(stack.auditArchiveBucket);
const archiveKeyId = logicalIdOf(stack.auditArchiveBucket.encryptionKey!);
const auditTable = resources[auditTableId]!;
const archiveBucket = resources[archiveBucketId]!;
const archiveKey = resources[archiveKeyId]!;

/** What no one may do to an audit record once written (written out here, not taken from infra/). */
const REWRITES = [
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
  'dynamodb:PartiQLSelect',
];

/** Every function of the stack with its table entry. */
const functions: [FunctionDef, RouteFunction][] = [
  ...routes.map((def) => [def, stack.routeFunctions.get(def.name)!] as [FunctionDef, RouteFunction]),
  ...workers.map((def) => [def, stack.workerFunctions.get(def.name)!] as [FunctionDef, RouteFunction]),
  ...consumers.map((def) => [def, stack.consumerFunctions.get(def.name)!] as [FunctionDef, RouteFunction]),
];

/** A statement with its actions and resources in a fixed order (CDK sorts them its own way). */
function normalized(s: Statement): Statement {
  const sorted = (v: unknown) => [v].flat().map((x) => JSON.stringify(x)).sort();
  return { ...s, Action: sorted(s.Action), Resource: sorted(s.Resource) };
}

const actionList = (s: { Action?: string | string[] }) => (Array.isArray(s.Action) ? s.Action : s.Action ? [s.Action] : []);

/** Whether an IAM action pattern (`*` and `?` wildcards, case-insensitive) covers `action`. */
function covers(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`, 'i');
  return regex.test(action);
}

/** Every statement of every IAM policy in the template: managed, inline (AWS::IAM::Policy) and in roles. */
function everyIamStatement(): { where: string; statement: Statement & { NotAction?: unknown; NotResource?: unknown } }[] {
  const out: { where: string; statement: any }[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    const documents =
      resource.Type === 'AWS::IAM::ManagedPolicy' || resource.Type === 'AWS::IAM::Policy'
        ? [resource.Properties.PolicyDocument]
        : resource.Type === 'AWS::IAM::Role'
          ? (resource.Properties.Policies ?? []).map((p: { PolicyDocument: unknown }) => p.PolicyDocument)
          : [];
    for (const document of documents) for (const statement of document.Statement) out.push({ where: id, statement });
  }
  return out;
}

describe('audit table', () => {
  it('has the keys and every index of AUDIT_TABLE_SCHEMA', () => {
    expect(auditTable.Type).toBe('AWS::DynamoDB::GlobalTable');
    expect(auditTable.Properties.KeySchema).toEqual([
      { AttributeName: AUDIT_TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
      { AttributeName: AUDIT_TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
    ]);
    expectIndexesOf(auditTable, AUDIT_TABLE_SCHEMA);
  });

  it('has point-in-time recovery, deletion protection and KMS encryption, is retained, and never expires items', () => {
    expect(auditTable.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    expect(auditTable.Properties.Replicas).toEqual([
      expect.objectContaining({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      }),
    ]);
    expect(auditTable.DeletionPolicy).toBe('Retain');
    expect(auditTable.Properties.TimeToLiveSpecification).toBeUndefined();
  });

  it('streams the new and the old image of each item (so the archiver keeps a record written over or removed)', () => {
    expect(auditTable.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });

  it('denies every principal, by its own resource policy, every action that rewrites or removes an item', () => {
    const [replica] = auditTable.Properties.Replicas;
    const statements = replica.ResourcePolicy.PolicyDocument.Statement as any[];
    const denials = statements.filter((s) => s.Effect === 'Deny' && JSON.stringify(s.Principal) === JSON.stringify({ AWS: '*' }));
    const denied = denials.filter((s) => s.Resource === '*').flatMap(actionList);
    for (const action of ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete']) {
      expect(denied, action).toContain(action);
    }
    expect(statements.filter((s) => s.Effect === 'Allow'), 'the table policy grants nothing').toEqual([]);
  });
});

describe('no IAM policy in the template lets anyone rewrite the audit trail', () => {
  const statements = everyIamStatement();
  const onAuditTable = statements.filter(({ statement }) => refersTo(statement.Resource, auditTableId));

  it('walks the policies that name the audit table (so the checks below are not vacuous)', () => {
    expect(statements.length).toBeGreaterThan(100);
    expect(onAuditTable.length).toBeGreaterThan(0);
  });

  it('has no Allow statement on the table, its indexes or "*" with a rewriting action or a wildcard covering one', () => {
    for (const { where, statement } of statements) {
      if (statement.Effect !== 'Allow') continue;
      const resourcesOf = [statement.Resource].flat();
      const touchesTrail = resourcesOf.some((r) => r === '*' || refersTo(r, auditTableId));
      if (!touchesTrail) continue;
      for (const pattern of actionList(statement)) {
        for (const action of REWRITES) expect(covers(pattern, action), `${where}: ${pattern} covers ${action}`).toBe(false);
      }
    }
  });

  it('has no Allow statement with NotResource or NotAction anywhere (they could reach the table)', () => {
    for (const { where, statement } of statements) {
      if (statement.Effect === 'Allow') expect([statement.NotAction, statement.NotResource], where).toEqual([undefined, undefined]);
    }
  });
});

describe('access to the audit table, by grant', () => {
  const indexArns = AUDIT_TABLE_SCHEMA.indexes.map((index) => ({
    'Fn::Join': ['', [{ 'Fn::GetAtt': [auditTableId, 'Arn'] }, `/index/${index.name}`]],
  }));

  it.each(functions.map(([def, fn]) => [def.name, def, fn] as const))('%s', (_, def, fn) => {
    const statements = statementsOfRole(template, logicalIdOf(fn.role)).filter((s) => refersTo(s.Resource, auditTableId));
    const itemStatements = statements.filter((s) => !refersTo(s.Resource, 'StreamArn'));
    const expected: Statement[] = [];
    if (def.grants.includes('audit:write')) {
      expected.push({ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: { 'Fn::GetAtt': [auditTableId, 'Arn'] } });
    }
    if (def.grants.includes('audit:read')) {
      expected.push({ Effect: 'Allow', Action: 'dynamodb:Query', Resource: [{ 'Fn::GetAtt': [auditTableId, 'Arn'] }, ...indexArns] });
    }
    expect(itemStatements.map(normalized)).toEqual(expect.arrayContaining(expected.map(normalized)));
    expect(itemStatements).toHaveLength(expected.length);
  });

  it('gives PutItem on it exactly to the functions granted audit:write', () => {
    const writers = functions.filter(([, fn]) => actionsOn(statementsOfRole(template, logicalIdOf(fn.role)), auditTableId).has('dynamodb:PutItem'));
    expect(writers.map(([def]) => def.name).sort()).toEqual(functions.filter(([def]) => def.grants.includes('audit:write')).map(([def]) => def.name).sort());
    expect(writers.length).toBeGreaterThan(0);
  });
});

describe('audit archive bucket', () => {
  const BLOCK_ALL = { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true };

  it('locks every object for six years by default, in compliance mode', () => {
    expect(archiveBucket.Properties.ObjectLockEnabled).toBe(true);
    expect(archiveBucket.Properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2190 } },
    });
  });

  it('is private, versioned, KMS-encrypted with its own key, logged to the access-log bucket and retained', () => {
    const props = archiveBucket.Properties;
    expect(props.PublicAccessBlockConfiguration).toEqual(BLOCK_ALL);
    expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const [rule] = props.BucketEncryption.ServerSideEncryptionConfiguration;
    expect(rule.ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [archiveKeyId, 'Arn'] } });
    expect(archiveKeyId).not.toBe('DataKey17AFBB84');
    const filesLogs = resources[logicalIdOf(stack.bucket)]!.Properties.LoggingConfiguration.DestinationBucketName;
    expect(props.LoggingConfiguration).toEqual({ DestinationBucketName: filesLogs, LogFilePrefix: 'audit-archive-bucket/' });
    expect(archiveBucket.DeletionPolicy).toBe('Retain');
  });

  it('refuses requests without TLS', () => {
    const statements = Object.values(template.findResources('AWS::S3::BucketPolicy'))
      .filter((p) => p.Properties.Bucket.Ref === archiveBucketId)
      .flatMap((p) => p.Properties.PolicyDocument.Statement as any[]);
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('takes its retention from the auditRetention stack property', () => {
    const tenYears = synthMedFiles({ auditRetention: Duration.days(3650) });
    const bucket = tenYears.template.toJSON().Resources[logicalIdOf(tenYears.stack.auditArchiveBucket)];
    expect(bucket.Properties.ObjectLockConfiguration.Rule.DefaultRetention).toEqual({ Mode: 'COMPLIANCE', Days: 3650 });
  });

  it.each([
    ['part of a day', Duration.hours(36)],
    ['zero', Duration.days(0)],
    ['over 100 years', Duration.days(36_501)],
  ])('refuses an auditRetention of %s', (_, retention) => {
    expect(() => synthMedFiles({ auditRetention: retention })).toThrow(/auditRetention/);
  });

  it('can be written to by the archiver only, with s3:PutObject and nothing that deletes or changes retention', () => {
    for (const [def, fn] of functions) {
      const actions = actionsOn(statementsOfRole(template, logicalIdOf(fn.role)), archiveBucketId);
      expect([...actions], def.name).toEqual(def.grants.includes('audit-archive:write') ? ['s3:PutObject'] : []);
    }
    const archivers = functions.filter(([def]) => def.grants.includes('audit-archive:write')).map(([def]) => def.name);
    expect(archivers).toEqual(['archive-audit-events']);
  });

  it('is named in no other IAM statement of the template', () => {
    const archiver = logicalIdOf(stack.consumerFunctions.get('archive-audit-events')!.role);
    for (const { where, statement } of everyIamStatement()) {
      if (!refersTo(statement.Resource, archiveBucketId)) continue;
      expect(JSON.stringify(resources[where]!.Properties.Roles), where).toBe(JSON.stringify([{ Ref: archiver }]));
      for (const action of actionList(statement)) {
        for (const forbidden of ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention', 's3:BypassGovernanceRetention', 's3:PutObjectLegalHold', 's3:PutBucketObjectLockConfiguration']) {
          expect(covers(action, forbidden), `${action} covers ${forbidden}`).toBe(false);
        }
      }
    }
  });
});

describe('audit archive key', () => {
  const statements = archiveKey.Properties.KeyPolicy.Statement as any[];

  it('is a rotated, retained KMS key of its own', () => {
    expect(archiveKey.Type).toBe('AWS::KMS::Key');
    expect(archiveKey.Properties.EnableKeyRotation).toBe(true);
    expect(archiveKey.DeletionPolicy).toBe('Retain');
  });

  it('denies every principal disabling it or scheduling its deletion, by its own policy', () => {
    const denials = statements.filter((s) => s.Effect === 'Deny');
    expect(denials).toEqual([
      expect.objectContaining({ Principal: { AWS: '*' }, Action: ['kms:DisableKey', 'kms:ScheduleKeyDeletion'], Resource: '*' }),
    ]);
    expect(denials[0].Condition, 'unconditional').toBeUndefined();
  });

  it('still lets the account (so CloudFormation) put its policy on later deploys', () => {
    const denied = statements.filter((s) => s.Effect === 'Deny').flatMap(actionList);
    for (const action of ['kms:PutKeyPolicy', 'kms:EnableKeyRotation', 'kms:UpdateKeyDescription', 'kms:TagResource']) {
      expect(denied.some((pattern) => covers(pattern, action)), action).toBe(false);
    }
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Allow', Action: 'kms:*', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } } }),
    );
  });

  it('is used by the archiver for kms:GenerateDataKey only, and named by no other role', () => {
    const archiver = stack.consumerFunctions.get('archive-audit-events')!;
    for (const [def, fn] of functions) {
      const actions = actionsOn(statementsOfRole(template, logicalIdOf(fn.role)), archiveKeyId);
      expect([...actions], def.name).toEqual(fn === archiver ? ['kms:GenerateDataKey'] : []);
    }
    for (const { where, statement } of everyIamStatement()) {
      if (refersTo(statement.Resource, archiveKeyId)) expect(JSON.stringify(resources[where]!.Properties.Roles), where).toBe(JSON.stringify([{ Ref: logicalIdOf(archiver.role) }]));
    }
  });
});

describe('audit tampering alarm', () => {
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) => a.Properties.MetricName === 'AuditTampering');

  it('goes off on one or more records written over or removed within 5 minutes, as the archiver counts them', () => {
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.Properties).toEqual(
      expect.objectContaining({
        // What shared/observability/metrics.ts prints for countAuditTampering in archive-audit-events.
        Namespace: 'MedFiles',
        MetricName: 'AuditTampering',
        Dimensions: [
          { Name: 'function', Value: 'archive-audit-events' },
          { Name: 'service', Value: 'medfiles' },
        ],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
  });
});
