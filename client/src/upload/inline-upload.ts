/**
 * Small files in one request: `POST /v1/files` as multipart/form-data (no base64 inflation, the Blob streams
 * as it is). Not retried after a lost connection: the server may have stored the file already.
 */
import type { Transport } from '../transport.ts';
import type { MedFile, NewUpload } from '../types.ts';

type Metadata = Omit<NewUpload, 'name' | 'mimeType' | 'size'>;

export async function uploadInline(
  transport: Transport,
  blob: Blob,
  file: { name: string; mimeType?: string },
  metadata: Metadata,
  signal?: AbortSignal,
): Promise<MedFile> {
  const form = new FormData();
  const { entity, ...fields } = metadata;
  for (const [name, value] of Object.entries(fields)) if (value !== undefined && value !== null) form.append(name, String(value));
  if (entity) {
    form.append('entityType', entity.type);
    form.append('entityId', entity.id);
  }
  const typed = file.mimeType && file.mimeType !== blob.type ? new Blob([blob], { type: file.mimeType }) : blob;
  form.append('file', typed, file.name);
  const { files } = await transport.json<{ files: MedFile[] }>({ method: 'POST', path: '/v1/files', body: form, signal });
  return files[0]!;
}
