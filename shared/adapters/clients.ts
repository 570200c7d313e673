/**
 * AWS SDK clients, each created once per container on first use, and only in the functions that use it: a
 * function's bundle keeps just the clients its wiring asks for (the SDK packages are free of side effects, so
 * the bundler drops the others), which is most of what its cold start costs.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config.ts';

type ClientSettings = Pick<Config, 'region' | 's3ForcePathStyle'>;

/** An S3 client with the settings both production and the local S3-compatible servers need. */
export function makeS3Client(settings: ClientSettings): S3Client {
  return new S3Client({
    region: settings.region,
    forcePathStyle: settings.s3ForcePathStyle,
    // We send our own SHA-256 with every put. Automatic CRC trailers would need aws-chunked framing, which
    // S3-compatible local servers store verbatim (corrupting the object) and which presigned URLs cannot carry.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export function makeDocumentClient(settings: Pick<Config, 'region'>): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ region: settings.region }), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

const made: {
  s3?: S3Client;
  documents?: DynamoDBDocumentClient;
  eventBridge?: EventBridgeClient;
  lambda?: LambdaClient;
  sqs?: SQSClient;
  secrets?: SecretsManagerClient;
} = {};

export function s3Client(settings: ClientSettings): S3Client {
  return (made.s3 ??= makeS3Client(settings));
}

export function documentClient(settings: ClientSettings): DynamoDBDocumentClient {
  return (made.documents ??= makeDocumentClient(settings));
}

export function eventBridgeClient(settings: ClientSettings): EventBridgeClient {
  return (made.eventBridge ??= new EventBridgeClient({ region: settings.region }));
}

export function lambdaClient(settings: ClientSettings): LambdaClient {
  return (made.lambda ??= new LambdaClient({ region: settings.region }));
}

export function sqsClient(settings: ClientSettings): SQSClient {
  return (made.sqs ??= new SQSClient({ region: settings.region }));
}

export function secretsClient(settings: ClientSettings): SecretsManagerClient {
  return (made.secrets ??= new SecretsManagerClient({ region: settings.region }));
}
