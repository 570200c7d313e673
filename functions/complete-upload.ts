import { etagOf, toFileResource } from '../shared/domain/file.ts';
import { CompleteUploadBody } from '../shared/domain/large-uploads/bodies.ts';
import { parseOrThrow, requireUuid } from '../shared/domain/validation.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { jsonBody, mediaType, rawBody, unsupportedBody } from '../shared/http/request.ts';
import { countUploads } from '../shared/observability/metrics.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { uploadCompletions } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const completions = uploadCompletions();

/** `POST /v1/uploads/{fileId}/complete`: verifies the uploaded object and creates the File (idempotent). */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  const id = requireUuid(event.pathParameters?.fileId, 'fileId');
  // The body is optional (single-PUT uploads have nothing to say); when there is one it is JSON.
  const empty = rawBody(event).toString('utf8').trim() === '';
  if (!empty && mediaType(event) !== 'application/json') throw unsupportedBody('application/json');
  const body = parseOrThrow(CompleteUploadBody, empty ? {} : jsonBody(event));
  // Completing again answers the same 200 but is not a new upload.
  const { file, created } = await completions.completeUpload(caller, id, body);
  if (created) countUploads([file]);
  return json(200, toFileResource(file, caller), { etag: etagOf(file) });
});
