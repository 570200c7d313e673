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
 * Every write is conditional (single-item conditions, no transactions): a stale `version` is VersionConflictError,
 * a taken id AlreadyExistsError, as for every store.
 */
import { DeleteCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  atVersion,
  conditionalPut,
  conditionally,
  guarded,
  NEW_KEY,
  queryPages,
  readItem,
  type Condition,
  type Item,
} from './dynamo-support.ts';
import { InternalError } from '../domain/errors.ts';
import { VersionConflictError } from '../domain/ports.ts';
import type { WebhookStore } from '../domain/webhooks/ports.ts';
import type { DeliveryKey, DeliveryRecord, DueDelivery, WebhookRecord } from '../domain/webhooks/records.ts';
import { SCHEDULE_INDEX } from './table-schema.ts';

/** Lower than any character of an ISO time or a UUID, so entries with equal times sort by id. */
const SEP = '\u0001';
const DUE = 'DUE';
const OPERATION = 'webhook store operation';

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

  createWebhook(webhook: WebhookRecord): Promise<void> {
    return this.#put(webhookItem(webhook), NEW_KEY);
  }

  async getWebhook(tenantId: string, id: string): Promise<WebhookRecord | null> {
    const item = await readItem(this.db, this.table, { pk: registryPk(tenantId), sk: webhookSk(id) }, OPERATION);
    return item?.kind === 'webhook' ? fromWebhookItem(item) : null;
  }

  async listWebhooks(tenantId: string): Promise<WebhookRecord[]> {
    const webhooks: WebhookRecord[] = [];
    const pages = queryPages(
      this.db,
      this.table,
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :w)',
        ExpressionAttributeValues: { ':pk': registryPk(tenantId), ':w': 'W#' },
        ConsistentRead: true,
      },
      OPERATION,
    );
    for await (const page of pages) for (const item of page.items) if (item.kind === 'webhook') webhooks.push(fromWebhookItem(item));
    return webhooks.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  }

  replaceWebhook(webhook: WebhookRecord, expectedVersion: number): Promise<void> {
    return this.#put(webhookItem(webhook), atVersion(expectedVersion));
  }

  deleteWebhook(tenantId: string, id: string): Promise<boolean> {
    const remove = async () => {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: registryPk(tenantId), sk: webhookSk(id) },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
      return true;
    };
    // No webhook there is the answer `false`, not an error.
    return conditionally('webhook delete', remove, () => false);
  }

  createDelivery(delivery: DeliveryRecord): Promise<void> {
    return this.#put(deliveryItem(delivery), NEW_KEY);
  }

  async getDelivery(key: DeliveryKey): Promise<DeliveryRecord | null> {
    const itemKey = { pk: deliveriesPk(key.tenantId, key.webhookId), sk: deliverySk(key.id) };
    const item = await readItem(this.db, this.table, itemKey, OPERATION);
    return item?.kind === 'webhook-delivery' ? fromDeliveryItem(item) : null;
  }

  async listDeliveries(
    tenantId: string,
    webhookId: string,
    page: { limit: number; before?: string },
  ): Promise<{ deliveries: DeliveryRecord[]; more: boolean }> {
    const out = await guarded(OPERATION, () =>
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

  saveDelivery(delivery: DeliveryRecord, expectedVersion: number): Promise<void> {
    return this.#put(deliveryItem(delivery), atVersion(expectedVersion));
  }

  async claimDelivery(key: DeliveryKey, expectedVersion: number, leaseUntil: string): Promise<DeliveryRecord> {
    const claim = () =>
      this.db.send(
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
    const out = await conditionally('delivery claim', claim, () => {
      throw new VersionConflictError();
    });
    if (!out.Attributes) throw new InternalError('delivery claim returned no record');
    return fromDeliveryItem(out.Attributes);
  }

  async dueDeliveries(now: string, limit: number): Promise<DueDelivery[]> {
    const due: DueDelivery[] = [];
    const pages = queryPages(
      this.db,
      this.table,
      {
        IndexName: SCHEDULE_INDEX.name,
        // `<nextAttemptAt>\u0001<id>` < `<now>\u0002`: everything due at or before now.
        KeyConditionExpression: 'xpk = :due AND xsk < :bound',
        ExpressionAttributeValues: { ':due': DUE, ':bound': `${now}\u0002` },
        // Attribute names that DynamoDB reserves (or may) go through aliases.
        ProjectionExpression: 'tenantId, webhookId, #id, #version, #kind',
        ExpressionAttributeNames: { '#id': 'id', '#version': 'version', '#kind': 'kind' },
      },
      OPERATION,
      () => Math.min(100, limit - due.length),
    );
    for await (const page of pages) {
      for (const item of page.items) {
        if (item.kind !== 'webhook-delivery') continue;
        due.push({ tenantId: String(item.tenantId), webhookId: String(item.webhookId), id: String(item.id), version: Number(item.version) });
      }
      if (due.length >= limit) break;
    }
    return due;
  }

  #put(item: Item, condition: Condition): Promise<void> {
    return conditionalPut(this.db, this.table, item, condition, 'webhook store write');
  }
}
