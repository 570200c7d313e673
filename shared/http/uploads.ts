/**
 * The three upload body shapes (JSON with base64, multipart, raw PUT) read into one form, each checked in
 * the contract's order: unparseable (400), too large (413), wrong type (415), then every other rule (422).
 */
import type { Config } from '../config.ts';
import { ValidationError, type FieldIssue } from '../domain/errors.ts';
import type { NewFile, UploadOptions } from '../domain/files/uploads.ts';
import { EntityRef, FileName, MAX_FILES_PER_REQUEST } from '../domain/schemas.ts';
import { UploadFields, UploadJsonBody } from './formats/inline-uploads.ts';
import {
  base64Size,
  checkInlineSize,
  checkTypes,
  decodeBase64,
  emptyFileIssues,
  type UploadItem,
} from '../domain/upload.ts';
import { parseOrThrow, zodIssues } from '../domain/validation.ts';
import type { ApiEvent } from './api.ts';
import { parseMultipart } from './multipart.ts';
import { header, jsonBody, queryParams, rawBody } from './request.ts';

export interface UploadRequest {
  files: NewFile[];
  options: UploadOptions;
}

type Limits = Pick<Config, 'inlineUploadMaxBytes' | 'allowedTypes'>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function readJsonUpload(event: ApiEvent, limits: Limits): Promise<UploadRequest> {
  const body = jsonBody(event);
  const rawFiles = isObject(body) && Array.isArray(body.files) ? body.files : [];
  const entries = rawFiles.map((f, i) => ({ f: isObject(f) ? f : {}, i }));
  const withContents = entries.filter(({ f }) => typeof f.contents === 'string');
  checkInlineSize(
    withContents.reduce((sum, { f }) => sum + base64Size(f.contents as string), 0),
    limits.inlineUploadMaxBytes,
  );
  // Bound the work by the request's shape before decoding or sniffing anything: a body of 250,000 tiny files is
  // refused here in microseconds, not after a quarter of a million decodes.
  if (rawFiles.length > MAX_FILES_PER_REQUEST) {
    throw new ValidationError([{ path: 'files', message: `must hold at most ${MAX_FILES_PER_REQUEST} files` }]);
  }
  const items: UploadItem[] = withContents.map(({ f, i }) => ({
    path: `files.${i}`,
    bytes: decodeBase64(f.contents as string, `files.${i}.contents`),
    declaredType: typeof f.mimeType === 'string' ? f.mimeType : undefined,
    name: f.name,
  }));
  const types = await checkTypes(items, limits.allowedTypes);
  const parsed = parseOrThrow(UploadJsonBody, body, emptyFileIssues(items));
  const { files, ...options } = parsed;
  return {
    files: files.map((f, i) => ({
      name: f.name,
      bytes: items[i]!.bytes,
      mimeType: types[i]!,
      description: f.description,
      category: f.category,
      recordType: f.recordType,
    })),
    options,
  };
}

export async function readMultipartUpload(event: ApiEvent, limits: Limits): Promise<UploadRequest> {
  const form = await parseMultipart(event, limits.inlineUploadMaxBytes);
  const items: UploadItem[] = form.files.map((f, i) => ({
    path: `file.${i}`,
    bytes: f.bytes,
    declaredType: f.declaredType,
    name: f.filename,
  }));
  const types = await checkTypes(items, limits.allowedTypes);
  const issues: FieldIssue[] = [...emptyFileIssues(items, '')];
  if (items.length === 0) issues.push({ path: 'file', message: 'send at least one part named "file"' });
  items.forEach((item) => {
    const name = FileName.safeParse(item.name);
    if (!name.success) issues.push(...zodIssues(name.error, `${item.path}.filename`));
  });
  const options = readFields(form.fields, issues);
  return {
    files: form.files.map((f, i) => ({ name: f.filename, bytes: f.bytes, mimeType: types[i]! })),
    options,
  };
}

/** `PUT /v1/files/{id}/content`: the body is the file, `name` and metadata are query parameters. */
export async function readRawUpload(event: ApiEvent, limits: Limits): Promise<{ file: NewFile; options: UploadOptions }> {
  const bytes = rawBody(event);
  checkInlineSize(bytes.length, limits.inlineUploadMaxBytes);
  const { name, ...fields } = queryParams(event);
  const item: UploadItem = { path: 'body', bytes, declaredType: header(event, 'content-type'), name };
  const [type] = await checkTypes([item], limits.allowedTypes);
  const issues: FieldIssue[] = [...emptyFileIssues([item], '')];
  const parsedName = FileName.safeParse(name);
  if (name === undefined) issues.push({ path: 'name', message: 'is required' });
  else if (!parsedName.success) issues.push(...zodIssues(parsedName.error, 'name'));
  const options = readFields(fields, issues);
  return { file: { name: name!, bytes, mimeType: type! }, options };
}

/** Text fields shared by multipart and raw uploads; throws one 422 listing `issues` and every field's own. */
function readFields(fields: Record<string, string>, issues: FieldIssue[]): UploadOptions {
  const all = [...issues];
  const parsed = UploadFields.safeParse(fields);
  if (!parsed.success) all.push(...zodIssues(parsed.error));
  let entity: UploadOptions['entity'];
  if (fields.entityType !== undefined || fields.entityId !== undefined) {
    const ref = EntityRef.safeParse({ type: fields.entityType, id: fields.entityId });
    if (ref.success) entity = ref.data;
    else all.push(...zodIssues(ref.error, 'entity'));
  }
  if (all.length > 0 || !parsed.success) throw new ValidationError(all);
  const { entityType: _type, entityId: _id, ...rest } = parsed.data;
  return { ...rest, entity };
}
