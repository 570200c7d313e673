/**
 * The composition root: builds clients, adapters and services once per container (outside the handler)
 * and hands them to handlers. The local runtime replaces the parts that are other Lambdas or buses in AWS
 * (the thumbnail function, the event bus) with in-process ones running the same handler code.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { config, type Config } from '../config.ts';
import { ExpiryService } from '../domain/expiry.ts';
import { FilesService } from '../domain/files-service.ts';
import { ContentLinks } from '../domain/links.ts';
import { FileRequestsService } from '../domain/file-requests.ts';
import { AbandonedUploads, LargeUploadsService } from '../domain/large-uploads.ts';
import type { EventPublisher } from '../domain/ports.ts';
import { Sealer } from '../domain/sealing.ts';
import { ThumbnailMaker, type Thumbnailer } from '../domain/thumbnails.ts';
import { WebhookDispatcher, WebhookService } from '../domain/webhooks.ts';
import { TokenVerifier } from '../http/auth.ts';
import { makeDocumentClient, makeS3Client } from './clients.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { DynamoFileIndex } from './dynamo-file-index.ts';
import { DynamoFileRequestStore } from './dynamo-file-request-store.ts';
import { DynamoPendingUploads } from './dynamo-pending-uploads.ts';
import { DynamoWebhookStore } from './dynamo-webhook-store.ts';
import { EventBridgePublisher } from './eventbridge-publisher.ts';
import { dnsHostResolver, HttpWebhookSender } from './http-webhook-sender.ts';
import { LambdaThumbnailer } from './lambda-thumbnailer.ts';
import { S3FileStore } from './s3-file-store.ts';
import { SharpImageProcessor } from './sharp-image-processor.ts';

export interface App {
  config: Config;
  files: FilesService;
  /** Large files direct to storage (`POST /v1/uploads`, `.../complete`). */
  uploads: LargeUploadsService;
  fileRequests: FileRequestsService;
  tokens: TokenVerifier;
  links: ContentLinks;
  webhooks: WebhookService;
}

const overrides: { events?: EventPublisher; thumbnails?: Thumbnailer } = {};

/** Lets the local runtime route events through its in-process bus. Call before the first request. */
export function useEventPublisher(publisher: EventPublisher): void {
  overrides.events = publisher;
}

/** Lets the local runtime make thumbnails in-process with the thumbnail handler. */
export function useThumbnailer(thumbnailer: Thumbnailer): void {
  overrides.thumbnails = thumbnailer;
}

async function signingSecret(cfg: Config): Promise<string> {
  if (cfg.signing.secret) return cfg.signing.secret;
  if (!cfg.signing.secretArn) {
    throw new Error('MedFiles configuration is invalid: set MEDFILES_SIGNING_SECRET (local) or MEDFILES_SIGNING_SECRET_ARN (deployed)');
  }
  const out = await new SecretsManagerClient({ region: cfg.region }).send(
    new GetSecretValueCommand({ SecretId: cfg.signing.secretArn }),
  );
  if (!out.SecretString || out.SecretString.length < 32) throw new Error('signing secret is missing or too short');
  return out.SecretString;
}

const imageProcessor = (cfg: Config) => new SharpImageProcessor({ limitInputPixels: cfg.imagePixelLimit });

function thumbnailer(cfg: Config, store: S3FileStore): Thumbnailer {
  if (overrides.thumbnails) return overrides.thumbnails;
  if (cfg.thumbnailFunction) return new LambdaThumbnailer(cfg.thumbnailFunction, cfg.region);
  // No function configured and no override: make them here (single-process setups).
  return new ThumbnailMaker(store, imageProcessor(cfg), cfg.thumbnailMaxInputBytes);
}

async function build(): Promise<App> {
  const cfg = config();
  const sealer = new Sealer(await signingSecret(cfg));
  const store = new S3FileStore(makeS3Client(cfg), cfg.bucket);
  const links = new ContentLinks(sealer, cfg.downloadUrlTtlSeconds);
  const db = makeDocumentClient(cfg);
  const events = overrides.events ?? new EventBridgePublisher(cfg.eventBus, cfg.region);
  const fileRequests = new FileRequestsService({ store: new DynamoFileRequestStore(db, cfg.table), events, sealer });
  const index = new DynamoFileIndex(db, cfg.table);
  const images = imageProcessor(cfg);
  const files = new FilesService({
    store,
    index,
    events,
    images,
    thumbnails: thumbnailer(cfg, store),
    fileRequests,
    links,
    sealer,
    inlineResponseMaxBytes: cfg.inlineResponseMaxBytes,
    redirectTtlSeconds: cfg.redirectUrlTtlSeconds,
  });
  const webhooks = new WebhookService({
    store: new DynamoWebhookStore(db, cfg.table),
    resolver: dnsHostResolver,
    sealer,
    allowPrivateTargets: cfg.webhooks.allowPrivateTargets,
  });
  const uploads = new LargeUploadsService({
    store,
    index,
    pending: new DynamoPendingUploads(db, cfg.table),
    events,
    images,
    fileRequests,
    allowedTypes: cfg.allowedTypes,
  });
  return { config: cfg, files, uploads, fileRequests, tokens: new TokenVerifier(cfg.jwt), links, webhooks };
}

/** Builds once; a failed build is retried by the next call. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let instance: Promise<T> | undefined;
  return () => {
    instance ??= make().catch((error: unknown) => {
      instance = undefined;
      throw error;
    });
    return instance;
  };
}

/** The API functions' App, built on first use. */
export const app = once(build);

/** What the expiry consumer needs: storage, the index and the bus. */
export const expiryApp = once(async () => {
  const cfg = config();
  return new ExpiryService(
    new S3FileStore(makeS3Client(cfg), cfg.bucket),
    new DynamoFileIndex(makeDocumentClient(cfg), cfg.table),
    overrides.events ?? new EventBridgePublisher(cfg.eventBus, cfg.region),
  );
});

/** What the TTL consumer needs to clean up uploads never completed: storage and the index. */
export const abandonedUploadsApp = once(async () => {
  const cfg = config();
  return new AbandonedUploads(new S3FileStore(makeS3Client(cfg), cfg.bucket), new DynamoFileIndex(makeDocumentClient(cfg), cfg.table));
});

/** What the webhook consumers (deliver-webhooks, retry-webhooks) need: the table, HTTP out, the dead-letter queue. */
export const webhookDeliveryApp = once(async () => {
  const cfg = config();
  return new WebhookDispatcher({
    store: new DynamoWebhookStore(makeDocumentClient(cfg), cfg.table),
    sender: new HttpWebhookSender({
      timeoutMs: cfg.webhooks.timeoutSeconds * 1000,
      allowPrivateTargets: cfg.webhooks.allowPrivateTargets,
    }),
    deadLetters: deadLetterQueue(cfg),
    retryDelaysSeconds: cfg.webhooks.retryDelaysSeconds,
    timeoutSeconds: cfg.webhooks.timeoutSeconds,
  });
});

/** What the thumbnail function needs: storage and sharp, nothing else. */
export const thumbnailApp = once(async () => {
  const cfg = config();
  return new ThumbnailMaker(new S3FileStore(makeS3Client(cfg), cfg.bucket), imageProcessor(cfg), cfg.thumbnailMaxInputBytes);
});
