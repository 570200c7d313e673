/**
 * File requests: staff ask a patient for files and follow their requests; a patient sees the requests
 * addressed to it and uploads into an open one (the upload carries its fileRequestId).
 */
import { useState } from 'preact/hooks';
import type { FileRequest, MedFile } from '@medfiles/client';
import { useCursorPager } from '../components/cursor-pager.tsx';
import { SelectField } from '../components/select-field.tsx';
import { TextField } from '../components/text-field.tsx';
import { UploadArea } from '../components/upload-area.tsx';
import { useAction, useConsole } from '../context.ts';
import { formatDate } from '../format.ts';
import { CATEGORIES } from '../options.ts';
import { isStaff } from '../session.ts';
import { useLoader } from '../use-loader.ts';

function NewRequestForm({ onCreated }: { onCreated: () => void }) {
  const { client } = useConsole();
  const act = useAction();
  const [ownerId, setOwnerId] = useState('');
  const [message, setMessage] = useState('');
  const [category, setCategory] = useState('');
  return (
    <form
      class="panel"
      aria-labelledby="new-request-heading"
      onSubmit={async (event) => {
        event.preventDefault();
        const body = { ownerId: ownerId.trim(), message, categories: category ? [category as MedFile['category']] : undefined };
        if (await act(() => client.fileRequests.create(body))) {
          setMessage('');
          onCreated();
        }
      }}
    >
      <h3 id="new-request-heading">Ask a patient for files</h3>
      <TextField id="request-owner" label="Patient id" value={ownerId} onInput={setOwnerId} required />
      <TextField id="request-message" label="Message" value={message} onInput={setMessage} required />
      <SelectField id="request-category" label="Category" value={category} options={CATEGORIES} empty="any" onChange={setCategory} />
      <button type="submit">Send request</button>
    </form>
  );
}

function RequestItem({ request, patient, onChanged }: { request: FileRequest; patient: boolean; onChanged: () => void }) {
  const { client } = useConsole();
  const act = useAction();
  return (
    <li class="request">
      <p>
        <strong>{request.message}</strong>
      </p>
      <p>
        Status: {request.status}; files: {request.fileCount}; for {request.ownerId}, asked by {request.requestedBy.id} on {formatDate(request.createdAt)}
        {request.categories.length > 0 && `; categories: ${request.categories.join(', ')}`}
      </p>
      {patient && request.status === 'open' && (
        <UploadArea
          label={`Upload files for: ${request.message}`}
          options={() => ({ fileRequestId: request.id, category: request.categories[0] })}
          onUploaded={onChanged}
        />
      )}
      {!patient && request.status === 'open' && (
        <button type="button" onClick={async () => (await act(() => client.fileRequests.update(request.id, { status: 'cancelled' }))) && onChanged()}>
          Cancel request
        </button>
      )}
    </li>
  );
}

export function FileRequestsView() {
  const { client, session } = useConsole();
  const patient = !isStaff(session.role);
  const [status, setStatus] = useState(patient ? 'open' : '');
  const pager = useCursorPager();
  const { data, loading, reload } = useLoader(
    () => client.fileRequests.listPage({ status: (status || undefined) as FileRequest['status'] | undefined, limit: 20, cursor: pager.cursor }),
    [status, pager.cursor],
  );
  return (
    <>
      <h2>File requests</h2>
      {!patient && <NewRequestForm onCreated={reload} />}
      <SelectField
        id="request-status"
        label="Status"
        value={status}
        options={['open', 'fulfilled', 'cancelled']}
        empty="any"
        onChange={(value) => {
          pager.reset();
          setStatus(value);
        }}
      />
      <section aria-label="Requests" aria-busy={loading}>
        {data && data.fileRequests.length === 0 && <p>No file requests.</p>}
        <ul class="requests">
          {data?.fileRequests.map((request) => (
            <RequestItem key={request.id} request={request} patient={patient} onChanged={reload} />
          ))}
        </ul>
        {pager.controls(data?.nextCursor)}
      </section>
    </>
  );
}
