import { readCreateUpload } from '../shared/domain/large-uploads/bodies.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { jsonBody, mediaType, unsupportedBody } from '../shared/http/request.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { uploadReservations } from '../shared/adapters/wiring/use-cases.ts';
import { config } from '../shared/config.ts';

const auth = authenticator();
const reservations = uploadReservations();
const limits = config();

/** `POST /v1/uploads`: reserves a file id and returns presigned storage URLs for the bytes (one PUT or parts). */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  if (mediaType(event) !== 'application/json') throw unsupportedBody('application/json');
  const input = readCreateUpload(jsonBody(event), limits);
  return json(201, await reservations.createUpload(caller, input));
});
