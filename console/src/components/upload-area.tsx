/**
 * Upload by drag and drop or the "Upload files" input, one progress bar per file. The client picks the route:
 * inline up to its limit, else straight to storage (in parts above 100 MiB); progress comes from its
 * onProgress. Files go one after another. Only a file's end (done or failed) is announced, in a polite status
 * region of its own: a live progress list would read out every tick.
 */
import { useId, useState } from 'preact/hooks';
import type { MedFile, UploadOptions } from '@medfiles/client';
import { useConsole } from '../context.ts';
import { describeError, formatBytes } from '../format.ts';

interface Item {
  key: number;
  name: string;
  loaded: number;
  total: number;
  status: 'uploading' | 'done' | 'failed';
  message?: string;
}

let nextKey = 0;

export function UploadArea({
  label = 'Upload files',
  options,
  onUploaded,
}: {
  label?: string;
  /** Owner, category, file request: applied to every file. */
  options: () => UploadOptions;
  onUploaded: (file: MedFile) => void;
}) {
  const { client, report } = useConsole();
  const [items, setItems] = useState<Item[]>([]);
  const [dragging, setDragging] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  // Unique per instance: labels (a request's message) may repeat or be in any script.
  const id = useId();

  const update = (key: number, change: Partial<Item>) => setItems((all) => all.map((i) => (i.key === key ? { ...i, ...change } : i)));
  const uploadAll = async (files: File[]) => {
    const queued = files.map((file) => ({ file, item: { key: nextKey++, name: file.name, loaded: 0, total: file.size, status: 'uploading' as const } }));
    setItems((all) => [...queued.map((q) => q.item), ...all]);
    for (const { file, item } of queued) {
      try {
        const stored = await client.upload(file, {
          ...options(),
          onProgress: ({ loaded, total }) => update(item.key, { loaded, total }),
        });
        update(item.key, { status: 'done', loaded: item.total });
        setAnnouncement(`Upload of ${item.name} finished.`);
        onUploaded(stored);
      } catch (error) {
        const { message } = describeError(error);
        update(item.key, { status: 'failed', message });
        setAnnouncement(`Upload of ${item.name} failed: ${message}`);
        report(error);
      }
    }
  };

  return (
    <div
      class={dragging ? 'drop dragging' : 'drop'}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        void uploadAll([...(e.dataTransfer?.files ?? [])]);
      }}
    >
      <label for={id}>{label}</label>
      <input
        id={id}
        type="file"
        multiple
        onChange={(e) => {
          const input = e.currentTarget;
          void uploadAll([...(input.files ?? [])]);
          input.value = '';
        }}
      />
      <p class="hint">or drop files here</p>
      <p class="status" role="status">
        {announcement}
      </p>
      <ul class="uploads">
        {items.map((item) => (
          <li key={item.key}>
            <span>{item.name}</span>{' '}
            <progress max={item.total || 1} value={item.loaded} aria-label={`Progress of ${item.name}`} />{' '}
            <span>
              {item.status === 'uploading' && `${formatBytes(item.loaded)} of ${formatBytes(item.total)}`}
              {item.status === 'done' && 'Uploaded'}
              {item.status === 'failed' && `Failed: ${item.message}`}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
