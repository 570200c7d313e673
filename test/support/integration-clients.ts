/**
 * Real AWS SDK clients for the servers the integration global setup started (emulators-setup.ts).
 * No mocks: these are the clients the adapters use in Lambda, made by the same factory (shared/adapters/clients.ts),
 * pointed at the local servers the way the local runtime does it: through the SDK's standard environment
 * variables (`AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL_DYNAMODB`). Each test file runs in its own worker, so
 * setting them here does not leak into other projects.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { makeDocumentClient, makeS3Client } from '../../shared/adapters/clients.ts';

export const REGION = 'us-east-1';

export interface IntegrationTargets {
  s3Endpoint: string;
  dynamodbEndpoint: string;
  bucket: string;
  table: string;
  auditTable: string;
}

/** The endpoints and names provided by the global setup. */
export function integrationTargets(): IntegrationTargets {
  return {
    s3Endpoint: inject('s3Endpoint'),
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    bucket: inject('bucket'),
    table: inject('table'),
    auditTable: inject('auditTable'),
  };
}

/**
 * Points this worker's AWS SDK environment at the local servers: endpoints, the credentials s3rver accepts
 * (`S3RVER`/`S3RVER`; dynalite accepts any) and a region. Returns the targets.
 */
export function useLocalAwsEnvironment(): IntegrationTargets {
  const targets = integrationTargets();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: targets.s3Endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: targets.dynamodbEndpoint,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: REGION,
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  return targets;
}

export interface IntegrationClients extends IntegrationTargets {
  s3: S3Client;
  db: DynamoDBDocumentClient;
  /** Releases the clients' sockets. */
  destroy(): void;
}

/** S3 (path-style, as local servers need) and DynamoDB document clients from the production factory. */
export function makeIntegrationClients(): IntegrationClients {
  const targets = useLocalAwsEnvironment();
  const s3 = makeS3Client({ region: REGION, s3ForcePathStyle: true });
  const db = makeDocumentClient({ region: REGION });
  return {
    ...targets,
    s3,
    db,
    destroy: () => {
      s3.destroy();
      db.destroy();
    },
  };
}
