/**
 * The one request MedFiles makes rather than answers: the POST of an event to a registered webhook URL. It is
 * no route of the table, so it is written here (OpenAPI 3.1 `webhooks`).
 */
import { jsonContent } from './components.ts';

export const webhookEvent = {
  post: {
    operationId: 'webhookEvent',
    summary: 'What MedFiles POSTs to a registered webhook URL',
    description:
      'Signed per the Standard Webhooks specification (verify with the `standardwebhooks` package and the ' +
      "webhook's secret). 2xx is success; anything else, a redirect (never followed), a timeout or a refused " +
      'connection is retried after each of `MEDFILES_WEBHOOK_RETRY_DELAYS` (default 1 min, 5 min, 30 min, 2 h, ' +
      '6 h, 18 h: 7 attempts), then the delivery is `failed` and dead-lettered. Every attempt of one event ' +
      'carries the same `webhook-id`; deduplicate on it.',
    security: [],
    parameters: [
      { name: 'webhook-id', in: 'header', required: true, schema: { type: 'string' }, description: 'The event id, identical on every attempt' },
      { name: 'webhook-timestamp', in: 'header', required: true, schema: { type: 'string' }, description: 'Seconds since the epoch, at the attempt' },
      {
        name: 'webhook-signature', in: 'header', required: true, schema: { type: 'string' },
        description: '`v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">`',
      },
    ],
    requestBody: { required: true, content: jsonContent('WebhookEvent') },
    responses: { 200: { description: 'Any 2xx acknowledges the delivery' } },
  },
};
