/**
 * Files: the upload area, the filters, the list (a page at a time, with thumbnails) and, once one is chosen,
 * its details. Patients list their own files and those shared with them; staff may filter by owner.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { FileQuery, MedFile } from '@medfiles/client';
import { useCursorPager } from '../components/cursor-pager.tsx';
import { SelectField } from '../components/select-field.tsx';
import { TextField } from '../components/text-field.tsx';
import { Thumbnail } from '../components/thumbnail.tsx';
import { UploadArea } from '../components/upload-area.tsx';
import { useConsole } from '../context.ts';
import { formatBytes, formatDate } from '../format.ts';
import { CATEGORIES, RECORD_TYPES } from '../options.ts';
import { isStaff } from '../session.ts';
import { useLoader } from '../use-loader.ts';
import { FileDetails } from './file-details.tsx';

const PAGE_SIZE = 20;

interface Filters {
  ownerId: string;
  category: string;
  recordType: string;
  entityType: string;
  entityId: string;
  state: string;
  sort: string;
  order: string;
}

const NO_FILTERS: Filters = { ownerId: '', category: '', recordType: '', entityType: '', entityId: '', state: 'active', sort: 'createdAt', order: 'desc' };

/** The filled-in filters as the list's query (empty fields are left out). */
function toQuery(filters: Filters, includeShared: boolean): FileQuery {
  const query: Record<string, string | boolean> = { includeShared };
  for (const [name, value] of Object.entries(filters)) if (value !== '') query[name] = value;
  return query as FileQuery;
}

export function FilesView() {
  const { client, session } = useConsole();
  const staff = isStaff(session.role);
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  // The file whose details were last open: back in the list, focus returns to its button.
  const [opened, setOpened] = useState<string | undefined>(undefined);
  const heading = useRef<HTMLHeadingElement>(null);
  const openedButton = useRef<HTMLButtonElement>(null);
  const [uploadOwner, setUploadOwner] = useState('');
  const [uploadCategory, setUploadCategory] = useState('');
  const pager = useCursorPager();
  const list = useLoader(
    () => client.files.listPage({ ...toQuery(filters, !staff), limit: PAGE_SIZE, cursor: pager.cursor }),
    [filters, pager.cursor],
  );
  const set = (name: keyof Filters) => (value: string) => setDraft({ ...draft, [name]: value });
  const text = (name: keyof Filters) => ({ id: `filter-${name}`, value: draft[name], onInput: set(name) });
  const choice = (name: keyof Filters) => ({ id: `filter-${name}`, value: draft[name], onChange: set(name) });
  // Opening the view (or coming back to it) replaced what had focus: the file's button, else the heading, takes it.
  useEffect(() => {
    if (!selected) (openedButton.current ?? heading.current)?.focus();
  }, [selected]);

  if (selected) {
    return (
      <FileDetails
        id={selected}
        onBack={() => {
          setOpened(selected);
          setSelected(undefined);
          list.reload();
        }}
      />
    );
  }
  return (
    <>
      <h2 tabIndex={-1} ref={heading}>
        Files
      </h2>
      <section aria-labelledby="upload-heading" class="panel">
        <h3 id="upload-heading">Upload</h3>
        {staff && (
          <div class="fields">
            <TextField id="upload-owner" label="Owner (patient id)" value={uploadOwner} onInput={setUploadOwner} />
            <SelectField id="upload-category" label="Category" value={uploadCategory} options={CATEGORIES} empty="default" onChange={setUploadCategory} />
          </div>
        )}
        <UploadArea
          options={() => ({
            ownerId: uploadOwner.trim() || undefined,
            category: (uploadCategory || undefined) as MedFile['category'] | undefined,
          })}
          onUploaded={() => list.reload()}
        />
      </section>
      <form
        class="panel filters"
        aria-label="Filters"
        onSubmit={(event) => {
          event.preventDefault();
          pager.reset();
          setFilters(draft);
        }}
      >
        {staff && <TextField {...text('ownerId')} label="Owner" />}
        <SelectField {...choice('category')} label="Category" options={CATEGORIES} empty="any" />
        <SelectField {...choice('recordType')} label="Record type" options={RECORD_TYPES} empty="any" />
        <TextField {...text('entityType')} label="Entity type" />
        <TextField {...text('entityId')} label="Entity id" />
        <SelectField {...choice('state')} label="State" options={['active', 'archived', 'all']} />
        <SelectField {...choice('sort')} label="Sort by" options={['createdAt', 'originalName', 'size']} />
        <SelectField {...choice('order')} label="Order" options={['desc', 'asc']} />
        <button type="submit">Apply filters</button>
      </form>
      <section aria-labelledby="list-heading" aria-busy={list.loading}>
        <h3 id="list-heading">
          {list.data ? `${list.data.count} file${list.data.count === 1 ? '' : 's'} on this page` : 'Loading files…'}
        </h3>
        <table class="files">
          <thead>
            <tr>
              <th scope="col">Preview</th>
              <th scope="col">Name</th>
              <th scope="col">Owner</th>
              <th scope="col">Category</th>
              <th scope="col">Size</th>
              <th scope="col">Created</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.files.map((file) => (
              <tr key={file.id}>
                <td>
                  <Thumbnail file={file} />
                </td>
                <td>
                  <button type="button" class="link" ref={file.id === opened ? openedButton : undefined} onClick={() => setSelected(file.id)}>
                    {file.originalName}
                  </button>
                </td>
                <td>{file.ownerId}</td>
                <td>{file.category}</td>
                <td>{formatBytes(file.size)}</td>
                <td>{formatDate(file.createdAt)}</td>
                <td>{file.state}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {pager.controls(list.data?.nextCursor)}
      </section>
    </>
  );
}
