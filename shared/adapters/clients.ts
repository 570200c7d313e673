/** AWS SDK clients, made once per container from the configuration. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config.ts';

export function makeS3Client(config: Pick<Config, 'region' | 's3ForcePathStyle'>): S3Client {
  return new S3Client({
    region: config.region,
    forcePathStyle: config.s3ForcePathStyle,
    // We send our own SHA-256 with every put. Automatic CRC trailers would need aws-chunked framing, which
    // S3-compatible local servers store verbatim (corrupting the object) and which presigned URLs cannot carry.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export function makeDocumentClient(config: Pick<Config, 'region'>): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ region: config.region }), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
