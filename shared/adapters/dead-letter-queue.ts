/**
 * DeadLetterQueue adapters. Deployed: SQS (the stack's encrypted queue, 14 days). Local runtime: a JSON-lines file.
 * The failed delivery stays in the table in every case; the queue is where operators find failures without
 * scanning for them. Messages hold ids and counts only.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { InternalError } from '../domain/errors.ts';
import type { DeadLetter, DeadLetterQueue } from '../domain/webhooks/ports.ts';

export class SqsDeadLetterQueue implements DeadLetterQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(letter: DeadLetter): Promise<void> {
    await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(letter) })).catch((error: unknown) => {
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
