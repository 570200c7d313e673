/**
 * What every bucket of the stack is, written once: no public access, TLS 1.2 or later only, versioned, and owned by
 * the bucket owner (no ACLs). Spread first into a bucket's props; a bucket that must differ says so after it
 * (CloudFront's standard logs need ACLs on their bucket).
 */
import { BlockPublicAccess, ObjectOwnership, type BucketProps } from 'aws-cdk-lib/aws-s3';

export const PRIVATE_BUCKET = {
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  versioned: true,
  objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
} as const satisfies BucketProps;
