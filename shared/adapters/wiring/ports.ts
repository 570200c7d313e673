/**
 * The ports a function may use, each built once per container, on first use, from the settings it needs: asking
 * for the file index requires MEDFILES_TABLE and makes the DynamoDB client, and nothing else. Handlers call these
 * at module init (mostly through ./use-cases.ts), so a missing setting stops the cold start with the variable's name,
 * and a function's bundle holds only the clients and adapters its route reaches.
 *
 * The local runtime replaces the two parts that are other services in AWS, the event bus and the thumbnail
 * function, with in-process ones that run the same handler code (`useEventPublisher`, `useThumbnailer`); it
 * must do so before it imports any handler.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../../config.ts';
import type { Authenticator, EventPublisher } from '../../domain/ports.ts';
import { Sealer } from '../../domain/sealing.ts';
import { ThumbnailMaker, type Thumbnailer } from '../../domain/thumbnails.ts';
import type { DeadLetterQueue } from '../../domain/webhooks/ports.ts';
import { documentClient, eventBridgeClient, lambdaClient, s3Client, secretsClient, sqsClient } from '../clients.ts';
import { FileDeadLetterQueue, SqsDeadLetterQueue } from '../dead-letter-queue.ts';
import { DynamoAuditTrail } from '../dynamo-audit-trail.ts';
import { DynamoFileIndex } from '../dynamo-file-index.ts';
import { DynamoFileRequestStore } from '../dynamo-file-request-store.ts';
import { DynamoPendingUploads } from '../dynamo-pending-uploads.ts';
import { DynamoWebhookStore } from '../dynamo-webhook-store.ts';
import { EventBridgePublisher } from '../eventbridge-publisher.ts';
import { JwtAuthenticator } from '../jwt-authenticator.ts';
import { LambdaThumbnailer } from '../lambda-thumbnailer.ts';
import { S3FileStore } from '../s3-file-store.ts';
import { readSigningSecret } from '../signing-secret.ts';
import { SharpImageProcessor } from '../sharp-image-processor.ts';

const built = new Map<string, unknown>();

/** One instance per container. A promise that fails is forgotten, so the next request tries again. */
function once<T>(name: string, make: () => T): T {
  if (!built.has(name)) {
    const made = make();
    built.set(name, made);
    if (made instanceof Promise) made.catch(() => built.delete(name));
  }
  return built.get(name) as T;
}

const local: { events?: EventPublisher; thumbnails?: Thumbnailer } = {};

/** A replacement made after a handler has wired the real port would be silently ignored: refuse it instead. */
function replace<K extends keyof typeof local>(port: K, value: NonNullable<(typeof local)[K]>): void {
  if (built.has(port)) throw new Error(`the ${port} port is already wired: replace it before importing any handler`);
  local[port] = value;
}

/** Local runtime: events go through its in-process bus (EventBridge and its rules in AWS). */
export function useEventPublisher(publisher: EventPublisher): void {
  replace('events', publisher);
}

/** Local runtime: thumbnails are made by the thumbnail handler in-process (a separate function in AWS). */
export function useThumbnailer(thumbnailer: Thumbnailer): void {
  replace('thumbnails', thumbnailer);
}

export function fileStore(): S3FileStore {
  return once('fileStore', () => {
    const cfg = config('bucket');
    return new S3FileStore(s3Client(cfg), cfg.bucket);
  });
}

/** A store on the table: MEDFILES_TABLE and the DynamoDB document client, once per container. */
function tablePort<T>(name: string, Store: new (db: DynamoDBDocumentClient, table: string) => T): T {
  return once(name, () => {
    const cfg = config('table');
    return new Store(documentClient(cfg), cfg.table);
  });
}

export function fileIndex(): DynamoFileIndex {
  return tablePort('fileIndex', DynamoFileIndex);
}

export function fileRequestStore(): DynamoFileRequestStore {
  return tablePort('fileRequestStore', DynamoFileRequestStore);
}

export function pendingUploads(): DynamoPendingUploads {
  return tablePort('pendingUploads', DynamoPendingUploads);
}

export function webhookStore(): DynamoWebhookStore {
  return tablePort('webhookStore', DynamoWebhookStore);
}

/** The audit trail's own table: MEDFILES_AUDIT_TABLE (append-only; see infra). */
export function auditTrail(): DynamoAuditTrail {
  return once('auditTrail', () => {
    const cfg = config('auditTable');
    return new DynamoAuditTrail(documentClient(cfg), cfg.auditTable);
  });
}

export function eventPublisher(): EventPublisher {
  return once('events', () => {
    if (local.events) return local.events;
    const cfg = config('eventBus');
    return new EventBridgePublisher(eventBridgeClient(cfg), cfg.eventBus);
  });
}

/** sharp is loaded on first use, by the adapter: building this costs nothing. */
export function imageProcessor(): SharpImageProcessor {
  return once('images', () => new SharpImageProcessor({ limitInputPixels: config().imagePixelLimit }));
}

/** The thumbnail function (a separate Lambda with sharp); the local runtime runs its handler in-process. */
export function thumbnailer(): Thumbnailer {
  return once('thumbnails', () => {
    if (local.thumbnails) return local.thumbnails;
    const cfg = config('thumbnailFunction');
    return new LambdaThumbnailer(lambdaClient(cfg), cfg.thumbnailFunction);
  });
}

/** What the thumbnail function itself runs: storage and sharp. */
export function thumbnailMaker(): ThumbnailMaker {
  return once('thumbnailMaker', () => new ThumbnailMaker(fileStore(), imageProcessor(), config().thumbnailMaxInputBytes));
}

/** The key for signed links and cursors; from Secrets Manager when deployed (one call per container). */
export function sealer(): Promise<Sealer> {
  return once('sealer', () => {
    const cfg = config('signing');
    const secret = cfg.signing.secret ?? readSigningSecret(secretsClient(cfg), cfg.signing.secretArn!);
    return Promise.resolve(secret).then((key) => new Sealer(key));
  });
}

export function authenticator(): Authenticator {
  return once('authenticator', () => new JwtAuthenticator(config('auth').jwt));
}

export function deadLetterQueue(): DeadLetterQueue {
  return once('deadLetters', () => {
    const cfg = config('deadLetters');
    const url = cfg.webhooks.deadLetterQueueUrl;
    return url ? new SqsDeadLetterQueue(sqsClient(cfg), url) : new FileDeadLetterQueue(cfg.webhooks.deadLetterFile!);
  });
}
