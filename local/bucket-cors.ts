/**
 * The files bucket's CORS rule on the local S3 server, set through the S3 API (PutBucketCors) from the same policy
 * the stack gives the deployed bucket (shared/http/cors.ts, STORAGE_CORS; infra/storage.ts): browsers on
 * MEDFILES_CORS_ORIGINS may PUT (direct uploads and parts) and GET (downloads) and read the ETag, which completing
 * a multipart upload needs; other origins get no CORS headers. The embedded server (s3rver) answers preflights
 * and actual requests from this rule.
 */
import { DeleteBucketCorsCommand, PutBucketCorsCommand, type S3Client } from '@aws-sdk/client-s3';
import { CORS_MAX_AGE_SECONDS, STORAGE_CORS } from '../shared/http/cors.ts';

/**
 * Sets the rule for `origins`, or removes any rule when there are none: a data directory kept from a run with
 * other origins must not keep answering them.
 */
export async function applyBucketCors(s3: S3Client, bucket: string, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) {
    await s3.send(new DeleteBucketCorsCommand({ Bucket: bucket }));
    return;
  }
  const rule = {
    AllowedOrigins: [...origins],
    AllowedMethods: [...STORAGE_CORS.methods],
    AllowedHeaders: [...STORAGE_CORS.allowedHeaders],
    ExposeHeaders: [...STORAGE_CORS.exposedHeaders],
    MaxAgeSeconds: CORS_MAX_AGE_SECONDS,
  };
  await s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [rule] } }));
}
