/**
 * The webhook use cases (registrations: shared/domain/webhooks/service.ts; the delivery log:
 * delivery-log.ts) built from one set of ports, for tests that register, deliver and read the log together.
 */
import { DeliveryLog, type DeliveryLogDeps } from '../../shared/domain/webhooks/delivery-log.ts';
import { WebhookService, type WebhookServiceDeps } from '../../shared/domain/webhooks/service.ts';

export function webhookUseCases(deps: WebhookServiceDeps & DeliveryLogDeps) {
  const service = new WebhookService(deps);
  const log = new DeliveryLog(deps);
  return {
    createWebhook: service.createWebhook.bind(service),
    listWebhooks: service.listWebhooks.bind(service),
    getWebhook: service.getWebhook.bind(service),
    updateWebhook: service.updateWebhook.bind(service),
    deleteWebhook: service.deleteWebhook.bind(service),
    retryDelivery: service.retryDelivery.bind(service),
    listDeliveries: log.listDeliveries.bind(log),
  };
}

export type WebhookUseCases = ReturnType<typeof webhookUseCases>;
