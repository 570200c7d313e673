import { toFileResource } from '../shared/domain/file.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { mediaType, unsupportedBody } from '../shared/http/request.ts';
import { readJsonUpload, readMultipartUpload } from '../shared/http/uploads.ts';

/** `POST /v1/files`: 1–20 files inline, JSON with base64 or multipart; all or nothing. */
export const handler = apiHandler(async ({ event, app, caller }) => {
  const type = mediaType(event);
  const upload =
    type === 'application/json'
      ? await readJsonUpload(event, app.config)
      : type === 'multipart/form-data'
        ? await readMultipartUpload(event, app.config)
        : (() => {
            throw unsupportedBody('application/json or multipart/form-data');
          })();
  const files = await app.files.createFiles(caller, upload.files, upload.options);
  return json(201, { files: files.map((f) => toFileResource(f, caller)) });
});
