/** The audit trail (admin): who did what to which file, newest first, filtered by file, actor and action. */
import { useState } from 'preact/hooks';
import type { AuditEvent, AuditQuery } from '@medfiles/client';
import { useCursorPager } from '../components/cursor-pager.tsx';
import { SelectField } from '../components/select-field.tsx';
import { TextField } from '../components/text-field.tsx';
import { useConsole } from '../context.ts';
import { formatDate } from '../format.ts';
import { AUDIT_ACTIONS } from '../options.ts';
import { useLoader } from '../use-loader.ts';

interface Filters {
  fileId: string;
  actorId: string;
  action: string;
}

const NONE: Filters = { fileId: '', actorId: '', action: '' };

export function AuditView() {
  const { client } = useConsole();
  const [draft, setDraft] = useState<Filters>(NONE);
  const [filters, setFilters] = useState<Filters>(NONE);
  const pager = useCursorPager();
  const { data, loading } = useLoader(() => {
    const query: AuditQuery = {
      fileId: filters.fileId.trim() || undefined,
      actorId: filters.actorId.trim() || undefined,
      action: (filters.action || undefined) as AuditEvent['action'] | undefined,
      limit: 25,
      cursor: pager.cursor,
    };
    return client.audit.eventsPage(query);
  }, [filters, pager.cursor]);
  return (
    <>
      <h2>Audit trail</h2>
      <form
        class="panel filters"
        aria-label="Audit filters"
        onSubmit={(event) => {
          event.preventDefault();
          pager.reset();
          setFilters(draft);
        }}
      >
        <TextField id="audit-file" label="File id" value={draft.fileId} onInput={(fileId) => setDraft({ ...draft, fileId })} />
        <TextField id="audit-actor" label="Actor id" value={draft.actorId} onInput={(actorId) => setDraft({ ...draft, actorId })} />
        <SelectField id="audit-action" label="Action" value={draft.action} options={AUDIT_ACTIONS} empty="any" onChange={(action) => setDraft({ ...draft, action })} />
        <button type="submit">Apply filters</button>
      </form>
      <section aria-label="Audit events" aria-busy={loading}>
        <table class="audit">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Actor</th>
              <th scope="col">Role</th>
              <th scope="col">Action</th>
              <th scope="col">File</th>
              <th scope="col">Outcome</th>
              <th scope="col">Via</th>
              <th scope="col">Request</th>
            </tr>
          </thead>
          <tbody>
            {data?.events.map((event) => (
              <tr key={event.id}>
                <td>{formatDate(event.at)}</td>
                <td>{event.actor.id}</td>
                <td>{event.actor.role}</td>
                <td>{event.action}</td>
                <td>
                  <code>{event.fileId}</code>
                </td>
                <td>{event.outcome}</td>
                <td>{event.via}</td>
                <td>
                  <code>{event.requestId}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {data && data.events.length === 0 && <p>No matching events.</p>}
        {pager.controls(data?.nextCursor)}
      </section>
    </>
  );
}
