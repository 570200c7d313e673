/** The stores that hold patient data: private, encrypted, versioned or point-in-time recoverable, retained. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { TABLE_SCHEMA } from '../../shared/adapters/table-schema.ts';
import { expectIndexesOf, logicalIdOf, synthMedFiles } from './synth.ts';

const { stack, template } = synthMedFiles();
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any; DeletionPolicy?: string }>;
const bucketId = logicalIdOf(stack.bucket);
const bucket = resources[bucketId]!;
const accessLogBucketId = bucket.Properties.LoggingConfiguration?.DestinationBucketName?.Ref as string;

const BLOCK_ALL = { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true };

function bucketPolicyStatements(bucketLogicalId: string): any[] {
  return Object.values(template.findResources('AWS::S3::BucketPolicy'))
    .filter((p) => p.Properties.Bucket.Ref === bucketLogicalId)
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

function deniesInsecureTransport(bucketLogicalId: string): boolean {
  return bucketPolicyStatements(bucketLogicalId).some(
    (s) =>
      s.Effect === 'Deny' &&
      s.Action === 's3:*' &&
      JSON.stringify(s.Principal) === JSON.stringify({ AWS: '*' }) &&
      s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
  );
}

describe('files bucket', () => {
  it('blocks all public access', () => {
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual(BLOCK_ALL);
  });

  it('refuses requests without TLS', () => {
    expect(deniesInsecureTransport(bucketId)).toBe(true);
  });

  it('encrypts with the customer-managed key, which rotates', () => {
    const [rule] = bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration;
    expect(rule.ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    const keyId = rule.ServerSideEncryptionByDefault.KMSMasterKeyID['Fn::GetAtt'][0] as string;
    expect(resources[keyId]).toMatchObject({ Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } });
  });

  it('is versioned and sends server access logs to a separate bucket', () => {
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(accessLogBucketId).toBeDefined();
    expect(accessLogBucketId).not.toBe(bucketId);
    expect(resources[accessLogBucketId]!.Type).toBe('AWS::S3::Bucket');
  });

  it('aborts stale multipart uploads after a day and expires old versions', () => {
    const rules = bucket.Properties.LifecycleConfiguration.Rules as any[];
    expect(rules).toContainEqual(
      expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' }),
    );
  });

  it('is kept when the stack is deleted', () => {
    expect(bucket.DeletionPolicy).toBe('Retain');
  });
});

describe('access log bucket', () => {
  it('is private, TLS-only, encrypted and versioned', () => {
    const logBucket = resources[accessLogBucketId]!;
    expect(logBucket.Properties.PublicAccessBlockConfiguration).toEqual(BLOCK_ALL);
    expect(deniesInsecureTransport(accessLogBucketId)).toBe(true);
    expect(logBucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault)
      .toEqual({ SSEAlgorithm: 'AES256' });
    expect(logBucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(logBucket.DeletionPolicy).toBe('Retain');
  });

  it('lets only S3 log delivery for this bucket write to it', () => {
    const statement = bucketPolicyStatements(accessLogBucketId).find((s) => s.Effect === 'Allow');
    expect(statement).toMatchObject({
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [bucketId, 'Arn'] } } },
    });
  });
});

describe('table', () => {
  const [tableId, table] = Object.entries(template.findResources('AWS::DynamoDB::GlobalTable'))[0]!;

  it('has the pk/sk string keys of TABLE_SCHEMA', () => {
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
    ]);
    expect(table.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: TABLE_SCHEMA.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_SCHEMA.sortKey, AttributeType: 'S' },
      ]),
    );
  });

  it('has every index of TABLE_SCHEMA, projecting all attributes, and no other', () => {
    const indexes = table.Properties.GlobalSecondaryIndexes as any[];
    // 6 filter partitions × 3 sort orders, plus the schedule of due work (deliveries, expiries).
    expect(indexes).toHaveLength(19);
    expect(indexes.map((i) => i.IndexName)).toContain('schedule');
    expectIndexesOf(table, TABLE_SCHEMA);
  });

  it('expires items by the TTL attribute and streams old and new images', () => {
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true });
    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });

  it('has point-in-time recovery, KMS encryption and deletion protection, and is retained', () => {
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    expect(table.Properties.Replicas).toEqual([
      expect.objectContaining({
        Region: { Ref: 'AWS::Region' },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      }),
    ]);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(tableId).toBe(logicalIdOf(stack.table));
  });
});

describe('signing secret and logs', () => {
  it('generates a long key without punctuation, encrypted with the customer-managed key', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ ExcludePunctuation: true, IncludeSpace: false }),
      KmsKeyId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
    });
    const secret = resources[logicalIdOf(stack.signingSecret)]!;
    expect(secret.Properties.GenerateSecretString.PasswordLength).toBeGreaterThanOrEqual(48);
  });

  it('encrypts every log group with a rotating key and keeps it for a set time', () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) {
      expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
      const keyId = group.Properties.KmsKeyId['Fn::GetAtt'][0] as string;
      expect(resources[keyId]).toMatchObject({ Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } });
    }
  });

  it('lets CloudWatch Logs use the logs key only for this account’s log groups', () => {
    const logsKeyId = (Object.values(template.findResources('AWS::Logs::LogGroup'))[0]!.Properties.KmsKeyId[
      'Fn::GetAtt'
    ][0]) as string;
    const statements = resources[logsKeyId]!.Properties.KeyPolicy.Statement as any[];
    const forLogs = statements.find((s) => JSON.stringify(s.Principal).includes('logs.'));
    expect(forLogs.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn']).toBeDefined();
  });
});
