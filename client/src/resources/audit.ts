/** The audit trail (admin): who did what to which file, newest first. */
import { eachItem } from '../pages.ts';
import type { Transport } from '../transport.ts';
import type { AuditEvent, AuditPage, AuditQuery } from '../types.ts';

export class Audit {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Every matching event, page after page (`limit` is the page size). */
  events(query: AuditQuery = {}): AsyncGenerator<AuditEvent, void, undefined> {
    return eachItem((q) => this.eventsPage(q), query, (page) => page.events);
  }

  eventsPage(query: AuditQuery = {}): Promise<AuditPage> {
    return this.#transport.json({ method: 'GET', path: '/v1/audit-events', query });
  }
}
