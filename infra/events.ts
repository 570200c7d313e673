/**
 * Everything that runs a function without an HTTP request, per entry of the event table (shared/events.ts):
 * the EventBridge bus and a rule on it, fixed-rate schedules, the table stream filtered to TTL removals and the
 * audit table's stream; plus
 * the two dead-letter queues, for events no consumer could handle and for webhook deliveries that failed their
 * last attempt.
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TTL_PRINCIPAL } from '../shared/adapters/ttl-stream.ts';
import { EVENT_SOURCE, type ConsumerDef } from '../shared/events.ts';
import { acknowledgeDeadLetterQueue } from './nag-acknowledgements.ts';
import type { RouteFunction } from './route-function.ts';

export interface EventResources {
  readonly eventBus: EventBus;
  /** Events that could not be handled after the retries (bus targets, consumer invocations, stream batches). */
  readonly eventDeadLetters: Queue;
  /** Webhook deliveries that failed their last attempt. */
  readonly webhookDeadLetters: Queue;
}

/** The bus and both dead-letter queues, encrypted with `dataKey` and kept 14 days (the maximum). */
export function addEventResources(scope: Construct, dataKey: Key): EventResources {
  const eventBus = new EventBus(scope, 'EventBus', {
    description: 'MedFiles domain events (ids and non-personal fields only)',
  });
  const deadLetterQueue = (id: string) =>
    new Queue(scope, id, {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  // Kept for inspection and replay.
  const webhookDeadLetters = deadLetterQueue('WebhookDeadLetters');
  acknowledgeDeadLetterQueue(webhookDeadLetters);
  const eventDeadLetters = deadLetterQueue('EventDeadLetters');
  // EventBridge sends undeliverable events to the (KMS-encrypted) queue itself, so its key must let it.
  dataKey.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }),
  );
  return { eventBus, eventDeadLetters, webhookDeadLetters };
}

/** True for the consumers of a DynamoDB stream, which their event source mapping invokes synchronously. */
export function readsStream(consumer: ConsumerDef): boolean {
  return consumer.trigger.kind === 'ttl-removals' || consumer.trigger.kind === 'audit-records';
}

/**
 * The dead-letter queue of a consumer's function itself. Only asynchronous invocations (bus rules, schedules)
 * use one; a stream mapping invokes synchronously and has its own on-failure destination.
 */
export function functionDeadLetterQueue(consumer: ConsumerDef, events: EventResources): Queue | undefined {
  return readsStream(consumer) ? undefined : events.eventDeadLetters;
}

/**
 * What makes `fn` run for `consumer`: an EventBridge rule on the bus, a schedule, the table's stream filtered
 * to TTL removals, or the audit table's stream. Failures end in the event dead-letter queue after the retries.
 */
export function addTrigger(
  scope: Construct,
  consumer: ConsumerDef,
  fn: RouteFunction,
  resources: EventResources & { table: ITableV2; auditTable: ITableV2 },
): void {
  const target = () =>
    new LambdaFunction(fn.function, {
      deadLetterQueue: resources.eventDeadLetters,
      retryAttempts: 185,
      maxEventAge: Duration.hours(24),
    });
  switch (consumer.trigger.kind) {
    case 'bus':
      new Rule(scope, `Rule-${consumer.name}`, {
        description: `MedFiles events → ${consumer.name}`,
        eventBus: resources.eventBus,
        eventPattern: { source: [EVENT_SOURCE] },
        targets: [target()],
      });
      break;
    case 'schedule':
      new Rule(scope, `Schedule-${consumer.name}`, {
        description: `MedFiles schedule → ${consumer.name}`,
        schedule: Schedule.rate(Duration.seconds(consumer.trigger.everySeconds)),
        targets: [target()],
      });
      break;
    case 'ttl-removals':
      fn.function.addEventSource(
        new DynamoEventSource(resources.table, {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: 25,
          bisectBatchOnError: true,
          retryAttempts: 10,
          reportBatchItemFailures: true,
          onFailure: new SqsDlq(resources.eventDeadLetters),
          // Only deletes made by TTL itself: permanent deletes through the API are not expiries.
          filters: [
            FilterCriteria.filter({
              eventName: FilterRule.isEqual('REMOVE'),
              userIdentity: { type: FilterRule.isEqual('Service'), principalId: FilterRule.isEqual(TTL_PRINCIPAL) },
            }),
          ],
        }),
      );
      break;
    case 'audit-records':
      fn.function.addEventSource(
        new DynamoEventSource(resources.auditTable, {
          startingPosition: StartingPosition.TRIM_HORIZON,
          // One archive object per batch: up to 100 records, or what 30 seconds brought.
          batchSize: 100,
          maxBatchingWindow: Duration.seconds(30),
          // A batch is one object, written whole or not at all: a failure retries the batch, halved each time, so
          // a record that cannot be archived holds up only itself. Its object key depends on its records only, so
          // a retry rewrites the same key (a new locked version), never a second object.
          bisectBatchOnError: true,
          retryAttempts: 20,
          // What is still failing then is named (shard and sequence numbers, no record) in the dead-letter queue,
          // to be archived again from the table, which keeps every record.
          onFailure: new SqsDlq(resources.eventDeadLetters),
        }),
      );
      break;
    default:
      throw new Error(`consumer ${(consumer.trigger satisfies never, consumer.name)}: unknown trigger`);
  }
}
