/**
 * What the service counts, as CloudWatch metrics (Powertools Metrics: an EMF line on stdout that CloudWatch Logs
 * turns into metrics, no API call), in namespace `MedFiles` with the dimensions `service` and `function`.
 * Handlers count with one call each; the flush runs once per invocation, hooked into ./invocation.ts when this
 * module is loaded (so only the functions that count anything carry Powertools Metrics).
 *
 * Outside Lambda nothing is printed when POWERTOOLS_METRICS_DISABLED is true, as the local runtime sets it
 * (POWERTOOLS_DEV would also disable them, but it pretty-prints log lines over several lines).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { FileRecord } from '../domain/file.ts';
import type { RunSummary } from '../domain/webhooks/dispatcher.ts';
import { onInvocationEnd } from './invocation.ts';
import { logger, SERVICE } from './logger.ts';

const NAMESPACE = 'MedFiles';

/** Its own warnings (an invalid dimension, say) go through the logger, as JSON lines with allow-listed fields. */
const metrics = new Metrics({ namespace: NAMESPACE, serviceName: SERVICE, logger });

/** Files created (inline, raw or completed large uploads) and their bytes. */
export function countUploads(files: readonly Pick<FileRecord, 'size'>[]): void {
  if (files.length === 0) return;
  metrics.addMetric('Uploads', MetricUnit.Count, files.length);
  metrics.addMetric('UploadedBytes', MetricUnit.Bytes, files.reduce((sum, file) => sum + file.size, 0));
}

/** A thumbnail served: made now (`miss`) or read from the cache (`hit`); nothing for an original. */
export function countThumbnail(cache: 'hit' | 'miss' | undefined): void {
  if (cache) metrics.addMetric(cache === 'hit' ? 'ThumbnailsCached' : 'ThumbnailsMade', MetricUnit.Count, 1);
}

/**
 * A webhook run: requests sent, failed attempts that will be retried, and deliveries given up (dead-lettered, or
 * their webhook gone). Zeros are not sent: an idle retry poll (every minute) costs nothing.
 */
export function countWebhookRun(summary: RunSummary): void {
  const counts = { WebhookAttempts: summary.attempted, WebhookRetries: summary.retrying, WebhookFailures: summary.failed };
  for (const [name, value] of Object.entries(counts)) if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
}

/**
 * Audit records written over or removed in the audit table, as the archiver read them from its stream: only
 * tampering does that, and infra/audit.ts alarms on any. Zeros are not sent.
 */
export function countAuditTampering(count: number): void {
  if (count > 0) metrics.addMetric('AuditTampering', MetricUnit.Count, count);
}

/**
 * Prints what the invocation counted as one EMF line, by function. An invocation that counted nothing prints
 * nothing (Powertools' own `logMetrics` middleware would warn on each of those, on every read route).
 */
function flushMetrics(functionName: string): void {
  if (!metrics.hasStoredMetrics()) return;
  metrics.addDimension('function', functionName);
  metrics.publishStoredMetrics();
}

onInvocationEnd(flushMetrics);
