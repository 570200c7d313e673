/**
 * WebhookStore on the one DynamoDB table (layout: table-schema.ts).
 *
 * - A tenant's webhooks share one partition, `pk = T#<tenant>#WH`, `sk = W#<webhookId>`: listing them is one
 *   strongly consistent Query, no index.
 * - A webhook's deliveries share another, `pk = T#<tenant>#W#<webhookId>`, `sk = D#<deliveryId>` (UUIDv7, so the
 *   sort key is time order): a page of deliveries, newest first, is one Query.
 * - Pending deliveries are in the `schedule` index (`xpk = DUE`, `xsk = <nextAttemptAt>\u0001<deliveryId>`); the
 *   attributes are removed when a delivery stops being pending, so the index holds only work still to do.
 *
 * Every delivery write is conditional on the stored `version` (single-item conditions, no transactions).
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { guarded, isConditionFailure } from './dynamo-support.ts';
import { InternalError } from '../domain/errors.ts';
import type { WebhookStore } from '../domain/webhooks/ports.ts';
import type { DeliveryKey, DeliveryRecord, DueDelivery, WebhookRecord } from '../domain/webhooks/records.ts';
import { SCHEDULE_INDEX } from './table-schema.ts';

type Item = Record<string, unknown>;

/** Lower than any character of an ISO time or a UUID, so entries with equal times sort by id. */
const SEP = '\u0001';
const DUE = 'DUE';

const registryPk = (tenantId: string) => `T#${tenantId}#WH`;
const webhookSk = (id: string) => `W#${id}`;
const deliveriesPk = (tenantId: string, webhookId: string) => `T#${tenantId}#W#${webhookId}`;
const deliverySk = (id: string) => `D#${id}`;
const scheduleKey = (nextAttemptAt: string, id: string) => `${nextAttemptAt}${SEP}${id}`;

function webhookItem(w: WebhookRecord): Item {
  return { pk: registryPk(w.tenantId), sk: webhookSk(w.id), kind: 'webhook', ...w };
}

function fromWebhookItem(item: Item): WebhookRecord {
  const { pk: _pk, sk: _sk, kind: _kind, ...webhook } = item;
  return webhook as unknown as WebhookRecord;
}

function deliveryItem(d: DeliveryRecord): Item {
  const item: Item = { pk: deliveriesPk(d.tenantId, d.webhookId), sk: deliverySk(d.id), kind: 'webhook-delivery', ...d };
  if (d.status === 'pending' && d.nextAttemptAt) {
    item.xpk = DUE;
    item.xsk = scheduleKey(d.nextAttemptAt, d.id);
  }
  return item;
}

function fromDeliveryItem(item: Item): DeliveryRecord {
  const { pk: _pk, sk: _sk, kind: _kind, xpk: _xpk, xsk: _xsk, ...delivery } = item;
  return delivery as unknown as DeliveryRecord;
}


export class DynamoWebhookStore implements WebhookStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async createWebhook(webhook: WebhookRecord): Promise<void> {
    if (!(await this.#conditionalPut(webhookItem(webhook), 'attribute_not_exists(pk)'))) {
      throw new InternalError('webhook id already taken');
    }
  }

  async getWebhook(tenantId: string, id: string): Promise<WebhookRecord | null> {
    const out = await this.#call(() =>
      this.db.send(new GetCommand({ TableName: this.table, Key: { pk: registryPk(tenantId), sk: webhookSk(id) }, ConsistentRead: true })),
    );
    return out.Item?.kind === 'webhook' ? fromWebhookItem(out.Item) : null;
  }

  async listWebhooks(tenantId: string): Promise<WebhookRecord[]> {
    const webhooks: WebhookRecord[] = [];
    let start: Item | undefined;
    do {
      const page = await this.#call(() =>
        this.db.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :w)',
            ExpressionAttributeValues: { ':pk': registryPk(tenantId), ':w': 'W#' },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      );
      for (const item of page.Items ?? []) if (item.kind === 'webhook') webhooks.push(fromWebhookItem(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return webhooks.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  }

  replaceWebhook(webhook: WebhookRecord, expectedVersion: number): Promise<boolean> {
    return this.#conditionalPut(webhookItem(webhook), '#version = :v', { ':v': expectedVersion }, { '#version': 'version' });
  }

  async deleteWebhook(tenantId: string, id: string): Promise<boolean> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: registryPk(tenantId), sk: webhookSk(id) },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw new InternalError('webhook delete failed', { cause: error });
    }
  }

  createDelivery(delivery: DeliveryRecord): Promise<boolean> {
    return this.#conditionalPut(deliveryItem(delivery), 'attribute_not_exists(pk)');
  }

  async getDelivery(key: DeliveryKey): Promise<DeliveryRecord | null> {
    const out = await this.#call(() =>
      this.db.send(
        new GetCommand({
          TableName: this.table,
          Key: { pk: deliveriesPk(key.tenantId, key.webhookId), sk: deliverySk(key.id) },
          ConsistentRead: true,
        }),
      ),
    );
    return out.Item?.kind === 'webhook-delivery' ? fromDeliveryItem(out.Item) : null;
  }

  async listDeliveries(
    tenantId: string,
    webhookId: string,
    page: { limit: number; before?: string },
  ): Promise<{ deliveries: DeliveryRecord[]; more: boolean }> {
    const out = await this.#call(() =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          // The partition holds deliveries only, so "before the cursor" needs no lower bound.
          KeyConditionExpression: page.before === undefined ? 'pk = :pk AND begins_with(sk, :d)' : 'pk = :pk AND sk < :before',
          ExpressionAttributeValues: {
            ':pk': deliveriesPk(tenantId, webhookId),
            ...(page.before === undefined ? { ':d': 'D#' } : { ':before': deliverySk(page.before) }),
          },
          ScanIndexForward: false,
          Limit: page.limit + 1,
        }),
      ),
    );
    const deliveries = (out.Items ?? []).filter((i) => i.kind === 'webhook-delivery').map(fromDeliveryItem);
    return { deliveries: deliveries.slice(0, page.limit), more: deliveries.length > page.limit };
  }

  saveDelivery(delivery: DeliveryRecord, expectedVersion: number): Promise<boolean> {
    return this.#conditionalPut(deliveryItem(delivery), '#version = :v', { ':v': expectedVersion }, { '#version': 'version' });
  }

  async claimDelivery(key: DeliveryKey, expectedVersion: number, leaseUntil: string): Promise<DeliveryRecord | null> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: deliveriesPk(key.tenantId, key.webhookId), sk: deliverySk(key.id) },
          ConditionExpression: '#status = :pending AND #version = :v',
          UpdateExpression: 'SET #version = :next, nextAttemptAt = :lease, xpk = :due, xsk = :xsk',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: {
            ':pending': 'pending',
            ':v': expectedVersion,
            ':next': expectedVersion + 1,
            ':lease': leaseUntil,
            ':due': DUE,
            ':xsk': scheduleKey(leaseUntil, key.id),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? fromDeliveryItem(out.Attributes) : null;
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw new InternalError('delivery claim failed', { cause: error });
    }
  }

  async dueDeliveries(now: string, limit: number): Promise<DueDelivery[]> {
    const due: DueDelivery[] = [];
    let start: Item | undefined;
    do {
      const page = await this.#call(() =>
        this.db.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: SCHEDULE_INDEX.name,
            // `<nextAttemptAt>\u0001<id>` < `<now>\u0002`: everything due at or before now.
            KeyConditionExpression: 'xpk = :due AND xsk < :bound',
            ExpressionAttributeValues: { ':due': DUE, ':bound': `${now}\u0002` },
            // Attribute names that DynamoDB reserves (or may) go through aliases.
            ProjectionExpression: 'tenantId, webhookId, #id, #version, #kind',
            ExpressionAttributeNames: { '#id': 'id', '#version': 'version', '#kind': 'kind' },
            Limit: Math.min(100, limit - due.length),
            ExclusiveStartKey: start,
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        if (item.kind !== 'webhook-delivery') continue;
        due.push({ tenantId: String(item.tenantId), webhookId: String(item.webhookId), id: String(item.id), version: Number(item.version) });
      }
      start = page.LastEvaluatedKey;
    } while (start && due.length < limit);
    return due;
  }

  /** A put under a condition: true when written, false when the condition failed. */
  async #conditionalPut(item: Item, condition: string, values?: Item, names?: Record<string, string>): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
          ExpressionAttributeNames: names,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw new InternalError('webhook store write failed', { cause: error });
    }
  }

  #call<T>(fn: () => Promise<T>): Promise<T> {
    return guarded('webhook store operation', fn);
  }
}
