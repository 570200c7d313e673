/**
 * The use cases, each wired with only the ports it uses (./ports.ts). A handler asks for the one it runs at
 * module init: `const listing = await fileListing();`.
 */
import { config } from '../../config.ts';
import { AccessLog } from '../../domain/audit/access-log.ts';
import { Auditor } from '../../domain/audit/auditor.ts';
import { AuditTrailReads } from '../../domain/audit/trail-reads.ts';
import { ExpiryService } from '../../domain/expiry.ts';
import { FileRequestChanges } from '../../domain/file-requests/changes.ts';
import { FileRequestUploads } from '../../domain/file-requests/gate.ts';
import { FileRequestListing } from '../../domain/file-requests/listing.ts';
import { FileRequestReads } from '../../domain/file-requests/reads.ts';
import { FileChanges } from '../../domain/files/changes.ts';
import { FileContent } from '../../domain/files/content.ts';
import { RecentThumbnails } from '../../domain/files/recent-thumbnails.ts';
import { FileListing } from '../../domain/files/listing.ts';
import { FileReads } from '../../domain/files/reads.ts';
import { FileStates } from '../../domain/files/states.ts';
import { FileRemoval } from '../../domain/files/removal.ts';
import { FileUploads } from '../../domain/files/uploads.ts';
import { AbandonedUploads } from '../../domain/large-uploads/abandoned-uploads.ts';
import { UploadCompletions } from '../../domain/large-uploads/completions.ts';
import { UploadReservations } from '../../domain/large-uploads/reservations.ts';
import { UploadResumption } from '../../domain/large-uploads/resumption.ts';
import { ContentLinks } from '../../domain/links.ts';
import { WebhookDispatcher } from '../../domain/webhooks/dispatcher.ts';
import { DeliveryLog } from '../../domain/webhooks/delivery-log.ts';
import { WebhookService } from '../../domain/webhooks/service.ts';
import { dnsHostResolver } from '../dns-host-resolver.ts';
import { HttpWebhookSender } from '../http-webhook-sender.ts';
import { logDispatch, reportError } from '../reporters.ts';
import {
  auditTrail,
  deadLetterQueue,
  eventPublisher,
  fileIndex,
  fileRequestStore,
  fileStore,
  imageProcessor,
  pendingUploads,
  sealer,
  thumbnailer,
  webhookStore,
} from './ports.ts';

export async function auditTrailReads(): Promise<AuditTrailReads> {
  return new AuditTrailReads({ trail: auditTrail(), sealer: await sealer() });
}

export async function accessLog(): Promise<AccessLog> {
  return new AccessLog({ index: fileIndex(), trail: auditTrail(), auditor: auditor(), sealer: await sealer() });
}

export async function contentLinks(): Promise<ContentLinks> {
  return new ContentLinks(await sealer(), config().downloadUrlTtlSeconds);
}

const fileRequestGate = () => new FileRequestUploads({ store: fileRequestStore() });

/** Writes the audit trail for the file use cases (MEDFILES_AUDIT_TABLE). */
const auditor = () => new Auditor({ trail: auditTrail(), reportError });

export function fileUploads(): FileUploads {
  return new FileUploads({
    store: fileStore(),
    index: fileIndex(),
    events: eventPublisher(),
    reportError,
    images: imageProcessor(),
    fileRequests: fileRequestGate(),
    auditor: auditor(),
  });
}

export async function fileReads(): Promise<FileReads> {
  return new FileReads({ index: fileIndex(), links: await contentLinks(), auditor: auditor() });
}

export async function fileListing(): Promise<FileListing> {
  return new FileListing({ index: fileIndex(), sealer: await sealer(), auditor: auditor() });
}

/** Thumbnails a content function keeps in memory: a few hundred typical ones, never more than 32 MiB. */
const RECENT_THUMBNAIL_BYTES = 32 * 1024 * 1024;
const RECENT_THUMBNAIL_MAX_ENTRY_BYTES = 1024 * 1024;

export function fileContent(): FileContent {
  const cfg = config();
  return new FileContent({
    store: fileStore(),
    index: fileIndex(),
    thumbnails: thumbnailer(),
    inlineResponseMaxBytes: cfg.inlineResponseMaxBytes,
    redirectTtlSeconds: cfg.redirectUrlTtlSeconds,
    recentThumbnails: new RecentThumbnails(RECENT_THUMBNAIL_BYTES, RECENT_THUMBNAIL_MAX_ENTRY_BYTES),
    auditor: auditor(),
  });
}

export function fileChanges(): FileChanges {
  return new FileChanges({ store: fileStore(), index: fileIndex(), events: eventPublisher(), reportError, auditor: auditor() });
}

export function fileStates(): FileStates {
  return new FileStates({ index: fileIndex(), events: eventPublisher(), reportError, auditor: auditor() });
}

export function fileRemoval(): FileRemoval {
  return new FileRemoval({ store: fileStore(), index: fileIndex(), events: eventPublisher(), reportError, auditor: auditor() });
}

/** `POST /v1/uploads` only signs URLs: no event bus, no image processor. */
export function uploadReservations(): UploadReservations {
  return new UploadReservations({
    store: fileStore(),
    index: fileIndex(),
    pending: pendingUploads(),
    fileRequests: fileRequestGate(),
  });
}

export function uploadResumption(): UploadResumption {
  return new UploadResumption({ store: fileStore(), index: fileIndex(), pending: pendingUploads() });
}

export function uploadCompletions(): UploadCompletions {
  return new UploadCompletions({
    store: fileStore(),
    index: fileIndex(),
    pending: pendingUploads(),
    events: eventPublisher(),
    reportError,
    images: imageProcessor(),
    fileRequests: fileRequestGate(),
    allowedTypes: config().allowedTypes,
    auditor: auditor(),
  });
}

export function abandonedUploads(): AbandonedUploads {
  return new AbandonedUploads(fileStore(), fileIndex());
}

export function expiry(): ExpiryService {
  return new ExpiryService(fileStore(), fileIndex(), eventPublisher());
}

export function fileRequestReads(): FileRequestReads {
  return new FileRequestReads(fileRequestStore());
}

export async function fileRequestListing(): Promise<FileRequestListing> {
  return new FileRequestListing({ store: fileRequestStore(), sealer: await sealer() });
}

export function fileRequestChanges(): FileRequestChanges {
  return new FileRequestChanges({ store: fileRequestStore(), events: eventPublisher(), reportError });
}

export function webhooks(): WebhookService {
  return new WebhookService({
    store: webhookStore(),
    resolver: dnsHostResolver,
    allowPrivateTargets: config().webhooks.allowPrivateTargets,
  });
}

export async function deliveryLog(): Promise<DeliveryLog> {
  return new DeliveryLog({ store: webhookStore(), sealer: await sealer() });
}

/** What deliver-webhooks and retry-webhooks run: the table, HTTP out, the dead-letter queue. */
export function webhookDispatcher(): WebhookDispatcher {
  const { webhooks: settings } = config();
  return new WebhookDispatcher({
    store: webhookStore(),
    sender: new HttpWebhookSender({ timeoutMs: settings.timeoutSeconds * 1000, allowPrivateTargets: settings.allowPrivateTargets }),
    deadLetters: deadLetterQueue(),
    retryDelaysSeconds: settings.retryDelaysSeconds,
    timeoutSeconds: settings.timeoutSeconds,
    log: logDispatch,
  });
}
