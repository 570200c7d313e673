/**
 * The two multipart operations s3rver 3.7.1 lacks (it answers 405 to both), answered the way S3 answers them from
 * s3rver's own store: ListParts (`GET /bucket/key?uploadId=…`) and AbortMultipartUpload (`DELETE …?uploadId=…`).
 * s3rver keeps an upload as a folder named by its id (the store's `uploads` resource of the bucket) holding a
 * `key` file and, per part N, the bytes in `N` and their MD5 in `N.md5` (written once the part is whole).
 *
 * Every other request goes to s3rver as it came: the same request and response objects, nothing buffered. Before
 * UploadPart and CompleteMultipartUpload the layer checks, as S3 does, that the upload exists under that key and
 * that the part number is 1–10,000: otherwise s3rver would recreate an aborted upload's folder, write a part under
 * any name, or answer 500 to an unknown id. Path-style requests only (the adapter and the runtime use path style).
 * Like s3rver, no signature check.
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { join } from 'node:path';

/** What the layer uses of s3rver (the package ships no types): its Koa request handler and its store. */
export interface S3rverInternals {
  callback(): RequestListener;
  store: {
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
    getBucket(bucket: string): Promise<object | null>;
  };
}

type Operation = 'list' | 'abort' | 'part' | 'complete';

interface Target {
  operation: Operation;
  bucket: string;
  key: string;
  uploadId: string;
  query: URLSearchParams;
}

/** s3rver's upload ids: 16 random bytes in hex. Anything else names no upload (and never a path). */
const UPLOAD_ID = /^[0-9a-f]{32}$/;
/** S3 lists at most 1,000 parts a page. */
const PAGE_LIMIT = 1000;
const MAX_PART_NUMBER = 10_000;
/** s3rver's one account, which owns and initiates every upload. */
const OWNER = '<ID>123456789000</ID><DisplayName>S3rver</DisplayName>';
const NO_SUCH_UPLOAD = 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.';

const OPERATIONS: Record<string, Operation> = { GET: 'list', DELETE: 'abort', PUT: 'part', POST: 'complete' };

/** s3rver's request handler with ListParts and AbortMultipartUpload in front of it. */
export function withMultipartLayer(s3rver: S3rverInternals): RequestListener {
  const passOn = s3rver.callback();
  return (req, res) => {
    const target = multipartTarget(req);
    if (!target) {
      passOn(req, res);
      return;
    }
    answer(s3rver.store, target, req, res, passOn).catch((error: unknown) => {
      sendError(res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
      process.stderr.write(`s3 multipart layer: ${(error as Error).message}\n`);
    });
  };
}

function multipartTarget(req: IncomingMessage): Target | undefined {
  const operation = OPERATIONS[req.method ?? ''];
  const url = new URL(req.url ?? '/', 'http://s3.local');
  const uploadId = url.searchParams.get('uploadId');
  if (!operation || uploadId === null) return undefined;
  const slash = url.pathname.indexOf('/', 1);
  if (slash < 0 || slash === url.pathname.length - 1) return undefined;
  try {
    return {
      operation,
      bucket: decodeURIComponent(url.pathname.slice(1, slash)),
      key: decodeURIComponent(url.pathname.slice(slash + 1)),
      uploadId,
      query: url.searchParams,
    };
  } catch {
    return undefined; // a malformed escape: s3rver answers it
  }
}

async function answer(
  store: S3rverInternals['store'],
  target: Target,
  req: IncomingMessage,
  res: ServerResponse,
  passOn: RequestListener,
): Promise<void> {
  const { operation, bucket, key, uploadId } = target;
  // A bucket name is checked before it becomes part of a path (a decoded `..%2F..` must never reach the disk).
  if (!BUCKET_NAME.test(bucket) || !(await store.getBucket(bucket))) {
    return sendError(res, 404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
  }
  if (operation === 'part' && !isPartNumber(target.query.get('partNumber'))) {
    return sendError(res, 400, 'InvalidArgument', `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`, {
      ArgumentName: 'partNumber',
    });
  }
  const folder = await uploadFolder(store, bucket, key, uploadId);
  if (!folder) return sendError(res, 404, 'NoSuchUpload', NO_SUCH_UPLOAD, { UploadId: uploadId });
  switch (operation) {
    case 'list':
      return listParts(res, target, folder);
    case 'abort':
      await rm(folder, { recursive: true, force: true });
      res.writeHead(204).end();
      return;
    default:
      passOn(req, res);
  }
}

/** S3's bucket naming rules, in short: 3-63 lower-case letters, digits, dots and hyphens, a letter or digit at each end. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const isPartNumber = (value: string | null) => value !== null && /^[1-9]\d{0,4}$/.test(value) && Number(value) <= MAX_PART_NUMBER;

/** The upload's folder when the upload exists and was started for `key` (S3 binds an upload id to its key). */
async function uploadFolder(store: S3rverInternals['store'], bucket: string, key: string, uploadId: string): Promise<string | null> {
  if (!UPLOAD_ID.test(uploadId)) return null;
  const folder = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
  try {
    return (await readFile(join(folder, 'key'), 'utf8')) === key ? folder : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Parts above `part-number-marker`, at most `max-parts` (≤ 1,000) of them, in part-number order. */
async function listParts(res: ServerResponse, target: Target, folder: string): Promise<void> {
  const marker = nonNegative(target.query.get('part-number-marker'), 0);
  const maxParts = nonNegative(target.query.get('max-parts'), PAGE_LIMIT);
  if (marker === undefined || maxParts === undefined) {
    const name = marker === undefined ? 'part-number-marker' : 'max-parts';
    return sendError(res, 400, 'InvalidArgument', `Provided ${name} not an integer or within integer range`, { ArgumentName: name });
  }
  const limit = Math.min(maxParts, PAGE_LIMIT);
  // A part counts once its MD5 is written, which s3rver does after the last byte: a part still arriving is not listed.
  const numbers = (await readdir(folder))
    .map((name) => /^(\d+)\.md5$/.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .filter((n) => n > marker)
    .sort((a, b) => a - b);
  const page = numbers.slice(0, limit);
  const parts = await Promise.all(
    page.map(async (n) => {
      const [info, md5] = await Promise.all([stat(join(folder, String(n))), readFile(join(folder, `${n}.md5`), 'utf8')]);
      return `<Part><PartNumber>${n}</PartNumber><LastModified>${info.mtime.toISOString()}</LastModified><ETag>&quot;${xml(md5.trim())}&quot;</ETag><Size>${info.size}</Size></Part>`;
    }),
  );
  // An empty page (max-parts=0) is not truncated, as moto answers: a client paging on it would never advance.
  const truncated = page.length > 0 && numbers.length > page.length;
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Bucket>${xml(target.bucket)}</Bucket><Key>${xml(target.key)}</Key><UploadId>${xml(target.uploadId)}</UploadId>` +
    `<Initiator>${OWNER}</Initiator><Owner>${OWNER}</Owner><StorageClass>STANDARD</StorageClass>` +
    `<PartNumberMarker>${marker}</PartNumberMarker><NextPartNumberMarker>${page.at(-1) ?? marker}</NextPartNumberMarker>` +
    `<MaxParts>${limit}</MaxParts><IsTruncated>${truncated}</IsTruncated>${parts.join('')}</ListPartsResult>`;
  res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) }).end(body);
}

/** A query parameter as a non-negative integer: `fallback` when absent, undefined when not such a number. */
function nonNegative(value: string | null, fallback: number): number | undefined {
  if (value === null) return fallback;
  return /^\d{1,10}$/.test(value) && Number(value) <= 2 ** 31 - 1 ? Number(value) : undefined;
}

function sendError(res: ServerResponse, status: number, code: string, message: string, detail: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const fields = Object.entries(detail).map(([name, value]) => `<${name}>${xml(value)}</${name}>`).join('');
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xml(message)}</Message>${fields}</Error>`;
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) }).end(body);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const xml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
