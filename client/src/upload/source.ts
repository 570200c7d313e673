/** What `upload()` accepts, as one Blob with the name it came with (a File's name, a path's base name). */
import { openPath } from '#open-path';

export type UploadSource = Blob | Uint8Array | string;

export async function openSource(source: UploadSource): Promise<{ blob: Blob; name?: string }> {
  if (typeof source === 'string') return openPath(source);
  if (source instanceof Blob) return 'name' in source && typeof source.name === 'string' ? { blob: source, name: source.name } : { blob: source };
  // (A view of a SharedArrayBuffer is refused by Blob at run time, as it would be by fetch.)
  return { blob: new Blob([source as Uint8Array<ArrayBuffer>]) };
}
