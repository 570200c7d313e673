/**
 * `upload('/path/to/file')` in Node: the file as a Blob that reads from disk as it is sent (part by part for a
 * multipart upload), never whole into memory. If the file changes while it is sent, reading fails rather than
 * mixing old and new bytes. Chosen through package.json `imports` (`#open-path`, condition `node`).
 */
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';

export async function openPath(path: string): Promise<{ blob: Blob; name: string }> {
  return { blob: await openAsBlob(path), name: basename(path) };
}
