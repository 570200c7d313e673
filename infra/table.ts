/**
 * The DynamoDB table, laid out by shared/adapters/table-schema.ts: its keys, every index, the TTL attribute and
 * the stream that turns TTL removals into expiries.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { keysAndIndexes } from './table-layout.ts';
import { TABLE_SCHEMA } from '../shared/adapters/table-schema.ts';

export function addTable(scope: Construct): TableV2 {
  return new TableV2(scope, 'Table', {
    ...keysAndIndexes(TABLE_SCHEMA),
    billing: Billing.onDemand(),
    timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
    // The expiry handler consumes REMOVE records written by TTL; it needs the old image to know what expired.
    dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // KMS with the AWS-managed key (aws/dynamodb, rotated yearly, every use in CloudTrail). A customer-managed key
    // would need a region-specific stack: TableV2 renders the key per replica region and refuses to synthesize
    // region-agnostic, and this stack must synthesize offline with no account or region.
    encryption: TableEncryptionV2.awsManagedKey(),
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
