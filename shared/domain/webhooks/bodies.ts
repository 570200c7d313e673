/**
 * The request bodies that register and change a webhook. WebhookService validates them itself, so that schema
 * issues and (deployed) target-address issues come back together in one 422.
 */
import * as z from 'zod/mini';
import { Description } from '../schemas.ts';
import { isWebhookEventType, WEBHOOK_EVENT_TYPES } from './event-types.ts';

export const MAX_URL_LENGTH = 2048;

/** What the URL parser would silently drop or rewrite (tabs, newlines, surrounding spaces), and other controls. */
const URL_UNSAFE = /[\u0000-\u0020\u007f-\u009f\u2028\u2029]/;

function urlProblems(value: string): string[] {
  if (value.length > MAX_URL_LENGTH) return [`must be at most ${MAX_URL_LENGTH} characters`];
  if (URL_UNSAFE.test(value)) return ['must not contain spaces or control characters'];
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) return ['must be an absolute http:// or https:// URL'];
  const url = new URL(value);
  const problems: string[] = [];
  if (url.username || url.password) problems.push('must not contain credentials');
  if (!url.hostname) problems.push('must name a host');
  return problems;
}

export const WebhookUrl = z
  .string({ message: 'must be a string' })
  .check(
    z.superRefine((value, ctx) => {
      for (const message of urlProblems(value)) ctx.addIssue({ code: 'custom', message });
    }),
  )
  .register(z.globalRegistry, {
    description: `Absolute http(s) URL, at most ${MAX_URL_LENGTH} characters, without credentials.`,
    format: 'uri',
  });

export const WebhookEvents = z
  .array(z.string({ message: 'must be an event type' }).register(z.globalRegistry, { enum: [...WEBHOOK_EVENT_TYPES, '*'] }), {
    message: 'must be a list of event types',
  })
  .check(
    z.minLength(1, 'must name at least one event type, or be ["*"]'),
    z.superRefine((events, ctx) => {
      events.forEach((event, i) => {
        if (event !== '*' && !isWebhookEventType(event)) {
          ctx.addIssue({ code: 'custom', path: [i], message: `unknown event type; use one of ${WEBHOOK_EVENT_TYPES.join(', ')}, or "*"` });
        }
      });
      if (events.includes('*') && new Set(events).size > 1) ctx.addIssue({ code: 'custom', message: '"*" must be the only entry' });
      if (new Set(events).size !== events.length) ctx.addIssue({ code: 'custom', message: 'must not repeat an event type' });
    }),
  )
  .register(z.globalRegistry, {
    description: 'Event types to receive, or `["*"]` for all of them.',
    examples: [['file-request.files.updated'], ['*']],
  });

export const CreateWebhookBody = z
  .strictObject({ url: WebhookUrl, events: WebhookEvents, description: z.optional(Description) })
  .register(z.globalRegistry, { id: 'CreateWebhookBody' });
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;

export const PatchWebhookBody = z
  .strictObject({
    url: z.optional(WebhookUrl),
    events: z.optional(WebhookEvents),
    active: z.optional(z.boolean({ message: 'must be true or false' })),
    description: z.optional(Description),
  })
  .register(z.globalRegistry, { id: 'PatchWebhookBody' });
export type PatchWebhookBody = z.infer<typeof PatchWebhookBody>;
