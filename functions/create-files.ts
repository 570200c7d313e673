import { toFileResource } from '../shared/domain/file.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { mediaType, unsupportedBody } from '../shared/http/request.ts';
import { readJsonUpload, readMultipartUpload } from '../shared/http/uploads.ts';
import { countUploads } from '../shared/observability/metrics.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { fileUploads } from '../shared/adapters/wiring/use-cases.ts';
import { config } from '../shared/config.ts';

const auth = authenticator();
const uploads = fileUploads();
const limits = config();

/** `POST /v1/files`: 1–20 files inline, JSON with base64 or multipart; all or nothing. */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  const type = mediaType(event);
  const upload =
    type === 'application/json'
      ? await readJsonUpload(event, limits)
      : type === 'multipart/form-data'
        ? await readMultipartUpload(event, limits)
        : (() => {
            throw unsupportedBody('application/json or multipart/form-data');
          })();
  const files = await uploads.createFiles(caller, upload.files, upload.options);
  countUploads(files);
  return json(201, { files: files.map((f) => toFileResource(f, caller)) });
});
