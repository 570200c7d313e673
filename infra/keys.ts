/**
 * The stack's key material: the KMS key of everything holding patient data (file contents,
 * dead-letter queues, the signing secret), the KMS key of the log groups, and the HMAC secret that signs content
 * links and list cursors. All retained when the stack is deleted: without them the retained data cannot be read.
 */
import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { acknowledgeSigningSecret } from './nag-acknowledgements.ts';

export interface Keys {
  readonly dataKey: Key;
  readonly logsKey: Key;
  readonly signingSecret: Secret;
}

export function addKeys(scope: Construct): Keys {
  const dataKey = new Key(scope, 'DataKey', {
    description: 'MedFiles: file contents and the link-signing secret',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const logsKey = new Key(scope, 'LogsKey', {
    description: 'MedFiles: CloudWatch log groups of the functions and the API',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // CloudWatch Logs encrypts with the caller-independent service principal; limit it to this account's log groups.
  logsKey.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` },
      },
    }),
  );

  const signingSecret = new Secret(scope, 'SigningSecret', {
    description: 'MedFiles: HMAC key for signed content links and list cursors',
    encryptionKey: dataKey,
    generateSecretString: {
      passwordLength: 64,
      excludePunctuation: true,
      includeSpace: false,
      requireEachIncludedType: true,
    },
  });
  acknowledgeSigningSecret(signingSecret);
  return { dataKey, logsKey, signingSecret };
}
