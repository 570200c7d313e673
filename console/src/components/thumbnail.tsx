/**
 * An image file's thumbnail: its signed link (GET /v1/files/{id} hands one out) with `imageSize` appended, so
 * the API sends a small rendition and no token is in the URL. Non-images show their type instead.
 */
import type { MedFile } from '@medfiles/client';
import { useConsole } from '../context.ts';
import { withContentOptions } from '../format.ts';
import { useLoader } from '../use-loader.ts';

export const isImage = (file: MedFile) => file.mimeType.startsWith('image/');

export function Thumbnail({ file }: { file: MedFile }) {
  const { client } = useConsole();
  const linked = isImage(file) && file.state === 'active';
  const { data: link } = useLoader(async () => (linked ? (await client.files.get(file.id)).downloadUrl : undefined), [file.id, linked]);
  if (!linked) return <span class="thumb kind">{file.extension.toUpperCase() || 'FILE'}</span>;
  if (!link) return <span class="thumb" />;
  return <img class="thumb" src={withContentOptions(link, { imageSize: '96x96' })} alt={file.originalName} width={48} height={48} />;
}
