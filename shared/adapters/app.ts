/**
 * The composition root: builds clients, adapters and services once per container (outside the handler)
 * and hands them to handlers. The local runtime may replace the event publisher with its in-process bus.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { config, type Config } from '../config.ts';
import { FilesService } from '../domain/files-service.ts';
import { ContentLinks } from '../domain/links.ts';
import type { EventPublisher } from '../domain/ports.ts';
import { Sealer } from '../domain/sealing.ts';
import { TokenVerifier } from '../http/auth.ts';
import { makeDocumentClient, makeS3Client } from './clients.ts';
import { DynamoFileIndex } from './dynamo-file-index.ts';
import { EventBridgePublisher } from './eventbridge-publisher.ts';
import { S3FileStore } from './s3-file-store.ts';

export interface App {
  config: Config;
  files: FilesService;
  tokens: TokenVerifier;
  links: ContentLinks;
}

let publisherOverride: EventPublisher | undefined;

/** Lets the local runtime route events through its in-process bus. Call before the first request. */
export function useEventPublisher(publisher: EventPublisher): void {
  publisherOverride = publisher;
}

async function signingSecret(cfg: Config): Promise<string> {
  if (cfg.signing.secret) return cfg.signing.secret;
  const out = await new SecretsManagerClient({ region: cfg.region }).send(
    new GetSecretValueCommand({ SecretId: cfg.signing.secretArn }),
  );
  if (!out.SecretString || out.SecretString.length < 32) throw new Error('signing secret is missing or too short');
  return out.SecretString;
}

async function build(): Promise<App> {
  const cfg = config();
  const sealer = new Sealer(await signingSecret(cfg));
  const events = publisherOverride ?? new EventBridgePublisher(cfg.eventBus, cfg.region);
  const links = new ContentLinks(sealer, cfg.downloadUrlTtlSeconds);
  const files = new FilesService({
    store: new S3FileStore(makeS3Client(cfg), cfg.bucket),
    index: new DynamoFileIndex(makeDocumentClient(cfg), cfg.table),
    events,
    links,
    sealer,
    inlineResponseMaxBytes: cfg.inlineResponseMaxBytes,
    redirectTtlSeconds: cfg.redirectUrlTtlSeconds,
  });
  return { config: cfg, files, tokens: new TokenVerifier(cfg.jwt), links };
}

let instance: Promise<App> | undefined;

/** The container's App, built on first use. A failed build is retried by the next request. */
export function app(): Promise<App> {
  instance ??= build().catch((error) => {
    instance = undefined;
    throw error;
  });
  return instance;
}
