/** multipart/form-data bodies (what a browser form sends), with the inline upload's limits. */
import busboy from 'busboy';
import { BadRequestError, PayloadTooLargeError, ValidationError } from '../domain/errors.ts';
import { MAX_FILES_PER_REQUEST } from '../domain/schemas.ts';
import { tooLarge } from '../domain/upload.ts';
import type { ApiEvent } from './api.ts';
import { header, rawBody } from './request.ts';

export interface MultipartFile {
  filename: string;
  declaredType: string | undefined;
  bytes: Buffer;
}

export interface Multipart {
  files: MultipartFile[];
  fields: Record<string, string>;
}

/**
 * Parses a multipart/form-data body: parts named `file` are files, the others text fields.
 * Broken multipart is 400; more bytes than the inline limit is 413; more than 20 files is 422.
 */
export function parseMultipart(event: ApiEvent, maxBytes: number): Promise<Multipart> {
  const body = rawBody(event);
  return new Promise((resolve, reject) => {
    const files: MultipartFile[] = [];
    const fields: Record<string, string> = {};
    const fieldIssues: { path: string; message: string }[] = [];
    let total = 0;
    let failure: Error | undefined;
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': header(event, 'content-type') },
        // busboy emits `filesLimit` when a part beyond `files` arrives.
        limits: { files: MAX_FILES_PER_REQUEST, fields: 50, fieldSize: 4096, parts: 100, fileSize: maxBytes + 1 },
        defParamCharset: 'utf8',
        // Keep the name as sent, so that path separators are refused (422) rather than silently stripped.
        preservePath: true,
      });
    } catch {
      reject(new BadRequestError('Malformed multipart/form-data (check the boundary)'));
      return;
    }
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        fieldIssues.push({ path: name, message: 'files must be sent in parts named "file"' });
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      // A part cut off before its closing boundary errors its stream; unhandled, that would end the process.
      stream.on('error', () => {
        failure ??= new BadRequestError('Malformed multipart/form-data body');
      });
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > maxBytes) failure ??= tooLarge(maxBytes);
        else chunks.push(chunk);
      });
      stream.on('end', () => {
        files.push({ filename: info.filename ?? '', declaredType: info.mimeType, bytes: Buffer.concat(chunks) });
      });
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fieldIssues.push({ path: name, message: 'is too long' });
      else fields[name] = value;
    });
    parser.on('filesLimit', () => {
      failure ??= new ValidationError([{ path: 'file', message: `at most ${MAX_FILES_PER_REQUEST} files per request` }]);
    });
    parser.on('partsLimit', () => (failure ??= new BadRequestError('Too many multipart parts')));
    parser.on('fieldsLimit', () => (failure ??= new BadRequestError('Too many multipart fields')));
    parser.on('error', () => reject(new BadRequestError('Malformed multipart/form-data body')));
    parser.on('close', () => {
      if (failure instanceof PayloadTooLargeError || failure instanceof BadRequestError) return reject(failure);
      if (failure) return reject(failure);
      if (fieldIssues.length) return reject(new ValidationError(fieldIssues));
      resolve({ files, fields });
    });
    parser.end(body);
  });
}
