/**
 * An image file's thumbnail: the 96x96 rendition's bytes fetched with the token (one `thumbnail` record in the
 * audit trail per row; asking for a signed link first would also record a `read` of every file listed) and
 * shown through an object URL, released when the row goes. Non-images, archived files and thumbnails that
 * cannot be made show the file's type instead: a list row is no place for an error.
 */
import type { MedFile } from '@medfiles/client';
import { useEffect, useState } from 'preact/hooks';
import { useConsole } from '../context.ts';

const isImage = (file: MedFile) => file.mimeType.startsWith('image/');

export function Thumbnail({ file }: { file: MedFile }) {
  const { client } = useConsole();
  const shown = isImage(file) && file.state === 'active';
  const [src, setSrc] = useState<string | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!shown) return;
    let url: string | undefined;
    let current = true;
    client.files
      .content(file.id, { imageSize: '96x96' })
      .then((response) => response.blob())
      .then(
        (blob) => {
          if (!current) return;
          url = URL.createObjectURL(blob);
          setSrc(url);
        },
        () => current && setFailed(true),
      );
    return () => {
      current = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [file.id, shown]);
  if (!shown || failed) return <span class="thumb kind">{file.extension.toUpperCase() || 'FILE'}</span>;
  if (!src) return <span class="thumb" />;
  return <img class="thumb" src={src} alt={file.originalName} width={48} height={48} />;
}
