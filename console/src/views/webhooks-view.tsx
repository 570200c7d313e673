/**
 * Webhooks (admin): register one (its signing secret is shown once, here, and never again), list, edit,
 * delete, and each one's delivery log with "Redeliver".
 */
import { useState } from 'preact/hooks';
import type { NewWebhook, Webhook, WebhookCreated } from '@medfiles/client';
import { useCursorPager } from '../components/cursor-pager.tsx';
import { TextField } from '../components/text-field.tsx';
import { useAction, useConsole } from '../context.ts';
import { formatDate } from '../format.ts';
import { WEBHOOK_EVENTS } from '../options.ts';
import { useLoader } from '../use-loader.ts';

type EventName = NewWebhook['events'][number];

/** Checkboxes for the events a webhook receives. */
function EventChoice({ idPrefix, value, onChange }: { idPrefix: string; value: EventName[]; onChange: (events: EventName[]) => void }) {
  return (
    <fieldset class="events">
      <legend>Events</legend>
      {WEBHOOK_EVENTS.map((name) => (
        <span key={name}>
          <input
            id={`${idPrefix}-${name}`}
            type="checkbox"
            checked={value.includes(name)}
            onChange={(e) => onChange(e.currentTarget.checked ? [...value, name] : value.filter((v) => v !== name))}
          />
          <label for={`${idPrefix}-${name}`}>{name === '*' ? 'all events (*)' : name}</label>
        </span>
      ))}
    </fieldset>
  );
}

function WebhookForm({
  idPrefix,
  initial,
  submitLabel,
  onSubmit,
}: {
  idPrefix: string;
  initial: { url: string; events: EventName[]; description: string; active?: boolean };
  submitLabel: string;
  onSubmit: (values: { url: string; events: EventName[]; description: string | null; active?: boolean }) => Promise<void>;
}) {
  const [url, setUrl] = useState(initial.url);
  const [events, setEvents] = useState(initial.events);
  const [description, setDescription] = useState(initial.description);
  const [active, setActive] = useState(initial.active);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void onSubmit({ url: url.trim(), events, description: description.trim() || null, active });
      }}
    >
      <TextField id={`${idPrefix}-url`} type="url" label="URL" value={url} onInput={setUrl} required />
      <EventChoice idPrefix={`${idPrefix}-event`} value={events} onChange={setEvents} />
      <TextField id={`${idPrefix}-description`} label="Description" value={description} onInput={setDescription} />
      {active !== undefined && (
        <span>
          <input id={`${idPrefix}-active`} type="checkbox" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
          <label for={`${idPrefix}-active`}>Active</label>
        </span>
      )}
      <button type="submit">{submitLabel}</button>
    </form>
  );
}

function Deliveries({ webhook }: { webhook: Webhook }) {
  const { client } = useConsole();
  const act = useAction();
  const pager = useCursorPager();
  const [status, setStatus] = useState('');
  const { data, loading, reload } = useLoader(() => client.webhooks.deliveriesPage(webhook.id, { limit: 20, cursor: pager.cursor }), [webhook.id, pager.cursor]);
  return (
    <section aria-labelledby={`deliveries-${webhook.id}`} aria-busy={loading}>
      <h4 id={`deliveries-${webhook.id}`}>Deliveries to {webhook.url}</h4>
      <button type="button" onClick={reload}>
        Refresh deliveries
      </button>
      <p role="status">{status}</p>
      <table class="deliveries">
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last HTTP status</th>
            <th scope="col">Last error</th>
            <th scope="col">Created</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {data?.deliveries.map((delivery) => (
            <tr key={delivery.id}>
              <td>{delivery.eventType}</td>
              <td>{delivery.status}</td>
              <td>{delivery.attempts}</td>
              <td>{delivery.lastStatusCode ?? '—'}</td>
              <td>{delivery.lastError ?? '—'}</td>
              <td>{formatDate(delivery.createdAt)}</td>
              <td>
                <button
                  type="button"
                  aria-label={`Redeliver ${delivery.eventType} ${delivery.id}`}
                  onClick={async () => {
                    setStatus('');
                    if ((await act(() => client.webhooks.retryDelivery(webhook.id, delivery.id).then(() => true))) === undefined) return;
                    setStatus(`Redelivery of ${delivery.eventType} requested.`);
                    reload();
                  }}
                >
                  Redeliver
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {pager.controls(data?.nextCursor)}
    </section>
  );
}

function WebhookItem({ webhook, onChanged }: { webhook: Webhook; onChanged: () => void }) {
  const { client } = useConsole();
  const act = useAction();
  const [editing, setEditing] = useState(false);
  const [showDeliveries, setShowDeliveries] = useState(false);
  return (
    <li class="webhook">
      <p>
        <strong>{webhook.url}</strong> {webhook.active ? '(active)' : '(inactive)'}: {webhook.events.join(', ')}
        {webhook.description && ` — ${webhook.description}`}
      </p>
      <p>
        <button type="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
          Edit
        </button>{' '}
        <button type="button" aria-expanded={showDeliveries} onClick={() => setShowDeliveries(!showDeliveries)}>
          Deliveries
        </button>{' '}
        <button
          type="button"
          class="danger"
          onClick={async () => {
            if (!confirm(`Delete the webhook to ${webhook.url}?`)) return;
            if ((await act(() => client.webhooks.delete(webhook.id).then(() => true))) !== undefined) onChanged();
          }}
        >
          Delete
        </button>
      </p>
      {editing && (
        <WebhookForm
          idPrefix={`edit-${webhook.id}`}
          initial={{ url: webhook.url, events: webhook.events as EventName[], description: webhook.description ?? '', active: webhook.active }}
          submitLabel="Save webhook"
          onSubmit={async (values) => {
            if (await act(() => client.webhooks.update(webhook.id, values))) {
              setEditing(false);
              onChanged();
            }
          }}
        />
      )}
      {showDeliveries && <Deliveries webhook={webhook} />}
    </li>
  );
}

export function WebhooksView() {
  const { client } = useConsole();
  const act = useAction();
  const [created, setCreated] = useState<WebhookCreated | undefined>(undefined);
  const [formKey, setFormKey] = useState(0);
  const { data, loading, reload } = useLoader(() => client.webhooks.list(), []);
  return (
    <>
      <h2>Webhooks</h2>
      <section class="panel" aria-labelledby="register-heading">
        <h3 id="register-heading">Register a webhook</h3>
        <WebhookForm
          key={formKey}
          idPrefix="new-webhook"
          initial={{ url: '', events: ['*'], description: '' }}
          submitLabel="Register webhook"
          onSubmit={async (values) => {
            const webhook = await act(() => client.webhooks.create(values));
            if (!webhook) return;
            setCreated(webhook);
            setFormKey((k) => k + 1);
            reload();
          }}
        />
        {created && (
          <div class="secret" role="status">
            <p>
              Registered {created.url}. Its signing secret, shown this once (keep it to verify deliveries):
            </p>
            <p>
              <label for="webhook-secret">Signing secret</label> <input id="webhook-secret" readOnly value={created.secret} />
            </p>
            <button type="button" onClick={() => setCreated(undefined)}>
              I have kept the secret
            </button>
          </div>
        )}
      </section>
      <section aria-labelledby="webhooks-heading" aria-busy={loading}>
        <h3 id="webhooks-heading">Registered webhooks</h3>
        {data && data.length === 0 && <p>No webhooks.</p>}
        <ul class="webhooks">
          {data?.map((webhook) => (
            <WebhookItem key={webhook.id} webhook={webhook} onChanged={reload} />
          ))}
        </ul>
      </section>
    </>
  );
}
