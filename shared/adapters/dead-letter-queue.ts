/**
 * DeadLetterQueue adapters. Deployed: SQS (the stack's encrypted queue, 14 days). Local runtime: a JSON-lines file.
 * Neither configured: a log line. The failed delivery stays in the table in every case; the queue is where
 * operators find failures without scanning for them. Messages hold ids and counts only.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '../config.ts';
import { InternalError } from '../domain/errors.ts';
import type { DeadLetter, DeadLetterQueue } from '../domain/webhooks.ts';

export class SqsDeadLetterQueue implements DeadLetterQueue {
  readonly #client: SQSClient;

  constructor(
    private readonly queueUrl: string,
    region: string,
  ) {
    this.#client = new SQSClient({ region });
  }

  async send(letter: DeadLetter): Promise<void> {
    await this.#client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(letter) })).catch((error: unknown) => {
      throw new InternalError('dead-letter send failed', { cause: error });
    });
  }
}

/** Appends one JSON line per failed delivery (local runtime: `MEDFILES_WEBHOOK_DLQ_FILE`). */
export class FileDeadLetterQueue implements DeadLetterQueue {
  constructor(private readonly file: string) {}

  async send(letter: DeadLetter): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(letter)}\n`, 'utf8');
  }
}

/** No queue configured: the failure is logged (ids only). */
export class LogDeadLetterQueue implements DeadLetterQueue {
  async send(letter: DeadLetter): Promise<void> {
    console.error(JSON.stringify({ level: 'WARN', message: 'webhook delivery failed its last attempt', ...letter }));
  }
}

export function deadLetterQueue(cfg: Pick<Config, 'region' | 'webhooks'>): DeadLetterQueue {
  if (cfg.webhooks.deadLetterQueueUrl) return new SqsDeadLetterQueue(cfg.webhooks.deadLetterQueueUrl, cfg.region);
  if (cfg.webhooks.deadLetterFile) return new FileDeadLetterQueue(cfg.webhooks.deadLetterFile);
  return new LogDeadLetterQueue();
}
