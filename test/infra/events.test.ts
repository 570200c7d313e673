/** Events, schedules and expiry: every entry of the event table is wired to its trigger, with dead letters. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EXPIRY_TAG, EXPIRY_TAG_BUCKETS, LIFECYCLE_GRACE_DAYS } from '../../shared/domain/expiry.ts';
import { consumers, EVENT_SOURCE } from '../../shared/events.ts';
import { logicalIdOf, synthMedFiles } from './synth.ts';

const { stack, template } = synthMedFiles();
const fnRef = (name: string) => ({ 'Fn::GetAtt': [logicalIdOf(stack.consumerFunctions.get(name)!.function), 'Arn'] });
const eventDlqArn = { 'Fn::GetAtt': [logicalIdOf(stack.eventDeadLetters), 'Arn'] };

describe('event consumers', () => {
  it('has one function per entry of the event table', () => {
    expect([...stack.consumerFunctions.keys()].sort()).toEqual(consumers.map((c) => c.name).sort());
  });

  it('sends every MedFiles event on the bus to each bus consumer, retrying for a day into a dead-letter queue', () => {
    for (const consumer of consumers.filter((c) => c.trigger.kind === 'bus')) {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: { Ref: logicalIdOf(stack.eventBus) },
        EventPattern: { source: [EVENT_SOURCE] },
        Targets: [
          Match.objectLike({
            Arn: fnRef(consumer.name),
            DeadLetterConfig: { Arn: eventDlqArn },
            RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
          }),
        ],
      });
    }
  });

  it('runs each scheduled consumer at its rate', () => {
    for (const consumer of consumers) {
      if (consumer.trigger.kind !== 'schedule') continue;
      const minutes = consumer.trigger.everySeconds / 60;
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`,
        Targets: [Match.objectLike({ Arn: fnRef(consumer.name) })],
      });
    }
  });

  it('gives asynchronously invoked consumers a dead-letter queue', () => {
    for (const consumer of consumers.filter((c) => c.trigger.kind === 'bus' || c.trigger.kind === 'schedule')) {
      const fn = template.toJSON().Resources[logicalIdOf(stack.consumerFunctions.get(consumer.name)!.function)];
      expect(fn.Properties.DeadLetterConfig, consumer.name).toEqual({ TargetArn: eventDlqArn });
    }
  });

  it('feeds TTL removals only (not API deletes) from the table stream to the expiry consumer, with retries and a destination', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(stack.table), 'StreamArn'] },
      FunctionName: { Ref: logicalIdOf(stack.consumerFunctions.get('expire-files')!.function) },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: eventDlqArn } },
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['REMOVE'],
              userIdentity: { type: ['Service'], principalId: ['dynamodb.amazonaws.com'] },
            }),
          },
        ],
      },
    });
  });

  it('feeds every new audit record to the archiver in batches, halving failed ones, with bounded retries and a destination', () => {
    const [mapping, ...others] = Object.values(
      template.findResources('AWS::Lambda::EventSourceMapping', {
        Properties: { EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(stack.auditTable), 'StreamArn'] } },
      }),
    );
    expect(others).toEqual([]);
    expect(mapping!.Properties).toMatchObject({
      FunctionName: { Ref: logicalIdOf(stack.consumerFunctions.get('archive-audit-events')!.function) },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 30,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 20,
      DestinationConfig: { OnFailure: { Destination: eventDlqArn } },
    });
    // Every record, inserted or (were it ever possible) written over: no filter.
    expect(mapping!.Properties.FilterCriteria).toBeUndefined();
  });

  it('keeps both dead-letter queues encrypted with the data key, SSL-only, for 14 days', () => {
    for (const queue of [stack.eventDeadLetters, stack.webhookDeadLetters]) {
      const resource = template.toJSON().Resources[logicalIdOf(queue)];
      expect(resource.Properties).toMatchObject({ MessageRetentionPeriod: 1_209_600, KmsMasterKeyId: expect.anything() });
      const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')).filter((p) =>
        JSON.stringify(p.Properties.Queues).includes(logicalIdOf(queue)),
      );
      expect(JSON.stringify(policies), 'SSL-only').toContain('aws:SecureTransport');
    }
  });

  it('tells webhook consumers where the webhook dead-letter queue is, and lets them send to it', () => {
    for (const consumer of consumers.filter((c) => c.grants.includes('queue:send'))) {
      const fn = template.toJSON().Resources[logicalIdOf(stack.consumerFunctions.get(consumer.name)!.function)];
      expect(fn.Properties.Environment.Variables.MEDFILES_WEBHOOK_DLQ_URL, consumer.name).toEqual({ Ref: logicalIdOf(stack.webhookDeadLetters) });
    }
  });
});

describe('expiry backstop', () => {
  it('has a lifecycle rule per expiry tag bucket, deleting tagged objects after the bucket plus the grace days', () => {
    const rules = template.toJSON().Resources[logicalIdOf(stack.bucket)].Properties.LifecycleConfiguration.Rules as Array<Record<string, unknown>>;
    for (const days of EXPIRY_TAG_BUCKETS) {
      expect(rules).toContainEqual(
        expect.objectContaining({
          Status: 'Enabled',
          TagFilters: [{ Key: EXPIRY_TAG, Value: String(days) }],
          ExpirationInDays: days + LIFECYCLE_GRACE_DAYS,
          NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        }),
      );
    }
  });
});
