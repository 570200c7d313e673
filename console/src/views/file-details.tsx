/**
 * One file: its metadata, a preview (images as a sized rendition, PDFs in a frame, both through the signed
 * link), download, the changes the API allows this user (rename, category and share for staff and the owner;
 * archive when the API says the file is `deletable` for the caller; restore for staff; permanent delete for
 * admins) and its access log. Controls the API would refuse are not shown.
 */
import { useEffect, useState } from 'preact/hooks';
import type { FilePatch, FileWithLink, MedFile } from '@medfiles/client';
import { AccessLog } from '../components/access-log.tsx';
import { SelectField } from '../components/select-field.tsx';
import { TextField } from '../components/text-field.tsx';
import { useAction, useConsole } from '../context.ts';
import { formatBytes, formatDate, splitList, withContentOptions } from '../format.ts';
import { CATEGORIES } from '../options.ts';
import { isStaff, mayDeletePermanently } from '../session.ts';
import { useLoader } from '../use-loader.ts';
import { useMountFocus } from '../use-mount-focus.ts';

function Preview({ file }: { file: FileWithLink }) {
  if (!file.downloadUrl) return <p>No preview: the file is archived.</p>;
  if (file.mimeType.startsWith('image/')) {
    return <img class="preview" src={withContentOptions(file.downloadUrl, { imageSize: '640x640' })} alt={file.originalName} />;
  }
  if (file.mimeType === 'application/pdf') return <iframe class="preview" src={file.downloadUrl} title={`Preview of ${file.originalName}`} />;
  return <p>No preview for {file.mimeType}.</p>;
}

function Metadata({ file }: { file: MedFile }) {
  const rows: [string, string][] = [
    ['Name', file.originalName],
    ['Type', file.mimeType],
    ['Size', formatBytes(file.size)],
    ['Owner', file.ownerId],
    ['Created by', `${file.createdBy.id} (${file.createdBy.role})`],
    ['Category', file.category],
    ['Record type', file.recordType ?? '—'],
    ['Entity', file.entity ? `${file.entity.type} ${file.entity.id}` : '—'],
    ['State', file.state],
    ['Shared with', file.sharedWith.join(', ') || '—'],
    ['File request', file.fileRequestId ?? '—'],
    ['Created', formatDate(file.createdAt)],
    ['Updated', formatDate(file.updatedAt)],
    ['Expires', formatDate(file.expiresAt)],
    ['SHA-256', file.sha256],
  ];
  return (
    <dl class="metadata">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function FileDetails({ id, onBack }: { id: string; onBack: () => void }) {
  const { client, session } = useConsole();
  const act = useAction();
  const { data: file, reload } = useLoader(() => client.files.get(id), [id]);
  const [name, setName] = useState('');
  const [category, setCategory] = useState('');
  const [shared, setShared] = useState('');
  const [status, setStatus] = useState('');
  const [version, setVersion] = useState(0);
  const heading = useMountFocus<HTMLHeadingElement>();
  useEffect(() => {
    if (!file) return;
    setName(file.originalName);
    setCategory(file.category);
    setShared(file.sharedWith.join(', '));
  }, [file]);

  /** Runs a change, then shows its outcome and the file (and its access log) as they now are. */
  const change = async (done: string, action: () => Promise<unknown>) => {
    setStatus('');
    if ((await act(async () => (await action(), true))) === undefined) return;
    setStatus(done);
    setVersion((v) => v + 1);
    reload();
  };
  const patch = (done: string, body: FilePatch) => (event: Event) => {
    event.preventDefault();
    void change(done, () => client.files.update(id, body));
  };

  const staff = isStaff(session.role);
  const owner = file?.ownerId === session.userId;
  // A file merely shared with a patient is read-only for it; `deletable` is the API's answer for this caller.
  const mayEdit = staff || owner;
  const mayArchive = file?.state === 'active' && file.deletable;
  const mayRestore = file?.state === 'archived' && staff;
  const mayDelete = mayDeletePermanently(session.role);
  return (
    <article aria-labelledby="file-heading">
      <button type="button" onClick={onBack}>
        Back to files
      </button>
      <h2 id="file-heading" tabIndex={-1} ref={heading}>
        {file ? file.originalName : 'Loading…'}
      </h2>
      <p class="status" role="status">
        {status}
      </p>
      {file && (
        <div class="details">
          <div>
            <Preview file={file} />
            {file.downloadUrl && (
              <p>
                <a href={withContentOptions(file.downloadUrl, { download: 'true' })} download={file.originalName}>
                  Download
                </a>
              </p>
            )}
          </div>
          <Metadata file={file} />
        </div>
      )}
      {file && (mayEdit || mayArchive || mayRestore || mayDelete) && (
        <section aria-labelledby="actions-heading" class="panel actions">
          <h3 id="actions-heading">Change</h3>
          {mayEdit && (
            <>
              <form onSubmit={patch('Renamed.', { originalName: name.trim() })}>
                <TextField id="file-name" label="Name" value={name} onInput={setName} required />
                <button type="submit">Rename</button>
              </form>
              <form onSubmit={patch('Category saved.', { category: category as MedFile['category'] })}>
                <SelectField id="file-category" label="Category" value={category} options={CATEGORIES} onChange={setCategory} />
                <button type="submit">Save category</button>
              </form>
              <form onSubmit={patch('Sharing saved.', { sharedWith: splitList(shared) })}>
                <TextField id="file-shared" label="Shared with (user ids, comma-separated)" value={shared} onInput={setShared} />
                <button type="submit">Share</button>
              </form>
            </>
          )}
          <p>
            {mayArchive && (
              <button type="button" onClick={() => change('Archived.', () => client.files.archive(id))}>
                Archive
              </button>
            )}
            {mayRestore && (
              <button type="button" onClick={() => change('Restored.', () => client.files.restore(id))}>
                Restore
              </button>
            )}{' '}
            {mayDelete && (
              <button
                type="button"
                class="danger"
                onClick={async () => {
                  if (!confirm(`Delete ${file.originalName} permanently? This cannot be undone.`)) return;
                  if ((await act(() => client.files.deletePermanently(id).then(() => true))) !== undefined) onBack();
                }}
              >
                Delete permanently
              </button>
            )}
          </p>
        </section>
      )}
      {/* The API shows the log to staff and the owner only (a patient a file is shared with gets 404). */}
      {file && (staff || owner) && <AccessLog fileId={id} version={version} />}
    </article>
  );
}
