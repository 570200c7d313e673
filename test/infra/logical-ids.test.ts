/**
 * Refactoring infra/ must not rename what is deployed: CloudFormation treats a new logical id as a new resource,
 * so the retained bucket, table, keys and queues would be replaced by empty ones (the old ones orphaned), and
 * the API by one with a new URL. These ids are the ones the stack was first deployed with (the audit table and
 * its archive bucket: since issue 8).
 */
import { describe, expect, it } from 'vitest';
import { consumers } from '../../shared/events.ts';
import { routes, workers } from '../../shared/routes.ts';
import { consoleDistFixture } from './console-dist.ts';
import { logicalIdOf, synthMedFiles } from './synth.ts';

const { stack, template } = synthMedFiles();

const DEPLOYED_IDS = {
  'AWS::KMS::Key': ['AuditArchiveKeyC1F33B5D', 'DataKey17AFBB84', 'LogsKeyA6AB43B2'],
  'AWS::SecretsManager::Secret': ['SigningSecretCF7EC744'],
  'AWS::S3::Bucket': ['AccessLogBucketDA470295', 'FilesBucket16450113', 'AuditArchiveBucketA3E17F42'],
  'AWS::DynamoDB::GlobalTable': ['TableCD117FA1', 'AuditTableB07F8EEB'],
  'AWS::Events::EventBus': ['EventBus7B8748AA'],
  'AWS::SQS::Queue': ['EventDeadLetters322AA761', 'WebhookDeadLettersCE7A6689'],
  'AWS::ApiGatewayV2::Api': ['ApiF70053CD'],
} as const;

describe('logical ids', () => {
  it.each(Object.entries(DEPLOYED_IDS))('keeps the deployed %s', (type, ids) => {
    expect(Object.keys(template.findResources(type)).sort()).toEqual([...ids].sort());
  });

  it('names the stack properties after the same resources', () => {
    expect(logicalIdOf(stack.bucket)).toBe('FilesBucket16450113');
    expect(logicalIdOf(stack.table)).toBe('TableCD117FA1');
    expect(logicalIdOf(stack.auditTable)).toBe('AuditTableB07F8EEB');
    expect(logicalIdOf(stack.auditArchiveBucket)).toBe('AuditArchiveBucketA3E17F42');
    expect(logicalIdOf(stack.signingSecret)).toBe('SigningSecretCF7EC744');
    expect(logicalIdOf(stack.webhookDeadLetters)).toBe('WebhookDeadLettersCE7A6689');
    expect(logicalIdOf(stack.eventDeadLetters)).toBe('EventDeadLetters322AA761');
  });

  it('keeps every deployed id when the console is turned on, and names the console resources stably', () => {
    const withConsole = synthMedFiles({ console: { distPath: consoleDistFixture() } }).template;
    for (const [type, ids] of Object.entries(DEPLOYED_IDS)) {
      const added = type === 'AWS::S3::Bucket' ? ['ConsoleBucketA1BD9FF9', 'ConsoleLogBucketE4FFA780'] : [];
      expect(Object.keys(withConsole.findResources(type)).sort(), type).toEqual([...ids, ...added].sort());
    }
    expect(Object.keys(withConsole.findResources('AWS::CloudFront::Distribution'))).toEqual(['ConsoleDistributionBC1120EB']);
  });

  it('keeps every function (and so its log group and role) directly under the stack, named by its table entry', () => {
    const expected = [
      ...routes.map((r) => [stack.routeFunctions.get(r.name), `Route-${r.name}`] as const),
      ...workers.map((w) => [stack.workerFunctions.get(w.name), `Worker-${w.name}`] as const),
      ...consumers.map((c) => [stack.consumerFunctions.get(c.name), `Consumer-${c.name}`] as const),
    ];
    for (const [fn, id] of expected) expect(fn?.node.path).toBe(`MedFilesStack/${id}`);
  });
});
