/** FileStore on S3 (or an S3-compatible server locally). SDK errors become domain errors here. */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  NoSuchKey,
  PutObjectCommand,
  PutObjectTaggingCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { InternalError } from '../domain/errors.ts';
import type { FileStore, ObjectHandle, PresignedPut, StoredObjectHeaders, StoredPart, UploadedPart } from '../domain/ports.ts';

const errorName = (error: unknown) => (error as { name?: string } | undefined)?.name;
const httpStatus = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
const isMissing = (error: unknown) =>
  error instanceof NoSuchKey || errorName(error) === 'NoSuchKey' || errorName(error) === 'NotFound' || httpStatus(error) === 404;

export class S3FileStore implements FileStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, bytes: Uint8Array, headers: StoredObjectHeaders & { sha256: string; tags?: Record<string, string> }): Promise<void> {
    await this.#call('put', () =>
      this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: bytes,
          ContentLength: bytes.length,
          ContentType: headers.contentType,
          ContentDisposition: headers.contentDisposition,
          // S3 verifies the bytes it received against our hash.
          ChecksumSHA256: Buffer.from(headers.sha256, 'hex').toString('base64'),
        }),
      ),
    );
    // A separate call rather than PutObject's Tagging header, which S3-compatible local servers ignore.
    if (headers.tags && Object.keys(headers.tags).length > 0) await this.setTags(key, headers.tags);
  }

  async open(key: string): Promise<ObjectHandle | null> {
    const abort = new AbortController();
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: abort.signal });
      const body = out.Body;
      return {
        size: out.ContentLength ?? 0,
        read: async () => {
          try {
            return body ? await readExactly(body as AsyncIterable<Uint8Array>, out.ContentLength) : new Uint8Array();
          } catch (error) {
            throw new InternalError('storage read failed', { cause: error });
          }
        },
        abort: () => {
          abort.abort();
          (body as { destroy?: () => void } | undefined)?.destroy?.();
        },
      };
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
      throw new InternalError('storage read failed', { cause: error });
    }
  }

  async copy(fromKey: string, toKey: string, headers: StoredObjectHeaders): Promise<void> {
    await this.#call('copy', () =>
      this.s3.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: toKey,
          CopySource: `${this.bucket}/${fromKey}`,
          MetadataDirective: 'REPLACE',
          ContentType: headers.contentType,
          ContentDisposition: headers.contentDisposition,
        }),
      ),
    );
  }

  async delete(key: string): Promise<void> {
    await this.#call('delete', () => this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
  }

  async deletePrefix(prefix: string): Promise<void> {
    let token: string | undefined;
    do {
      const page = await this.#call('list', () =>
        this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token })),
      );
      const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
      if (keys.length > 0) {
        await this.#call('delete', () =>
          this.s3.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } })),
        );
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async presignGet(key: string, ttlSeconds: number, dispositionType?: 'inline'): Promise<string> {
    return this.#call('presign', () =>
      getSignedUrl(
        this.s3,
        new GetObjectCommand({ Bucket: this.bucket, Key: key, ResponseContentDisposition: dispositionType, ResponseCacheControl: 'private' }),
        { expiresIn: ttlSeconds },
      ),
    );
  }

  async presignPut(key: string, ttlSeconds: number, headers: StoredObjectHeaders & { size?: number; sha256?: string }): Promise<PresignedPut> {
    const checksum = headers.sha256 !== undefined ? Buffer.from(headers.sha256, 'hex').toString('base64') : undefined;
    const url = await this.#call('presign', () =>
      getSignedUrl(
        this.s3,
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          ContentType: headers.contentType,
          ContentDisposition: headers.contentDisposition,
          ContentLength: headers.size,
          ChecksumSHA256: checksum,
        }),
        {
          expiresIn: ttlSeconds,
          // The presigner leaves Content-Type unsigned and moves x-amz-* headers into the query by default; we
          // want both signed as headers, so the object gets our type and storage checks the client's bytes.
          // Content-Length is signed too (API.md): storage refuses a body of any other size. Clients do not send
          // it from `headers` (fetch sets it from the body, and browsers forbid setting it).
          signableHeaders: new Set(['content-type', 'content-disposition', ...(headers.size !== undefined ? ['content-length'] : [])]),
          unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
        },
      ),
    );
    return {
      url,
      headers: {
        'Content-Type': headers.contentType,
        'Content-Disposition': headers.contentDisposition,
        ...(checksum !== undefined ? { 'x-amz-checksum-sha256': checksum } : {}),
      },
    };
  }

  async createMultipart(key: string, headers: StoredObjectHeaders): Promise<string> {
    const out = await this.#call('multipart start', () =>
      this.s3.send(
        new CreateMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          ContentType: headers.contentType,
          ContentDisposition: headers.contentDisposition,
        }),
      ),
    );
    if (!out.UploadId) throw new InternalError('storage multipart start returned no upload id');
    return out.UploadId;
  }

  async presignPart(key: string, uploadId: string, partNumber: number, ttlSeconds: number): Promise<string> {
    return this.#call('presign', () =>
      getSignedUrl(
        this.s3,
        new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber }),
        { expiresIn: ttlSeconds },
      ),
    );
  }

  async completeMultipart(key: string, uploadId: string, parts: readonly UploadedPart[]): Promise<boolean> {
    try {
      await this.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: {
            Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag.startsWith('"') ? p.etag : `"${p.etag}"` })),
          },
        }),
      );
      return true;
    } catch (error) {
      // InvalidPart, InvalidPartOrder, EntityTooSmall, NoSuchUpload, MalformedXML: the parts list is wrong.
      const status = httpStatus(error);
      if (status !== undefined && status >= 400 && status < 500) return false;
      throw new InternalError('storage multipart complete failed', { cause: error });
    }
  }

  async listParts(key: string, uploadId: string): Promise<StoredPart[] | null> {
    const parts: StoredPart[] = [];
    let marker: string | undefined;
    try {
      do {
        const page = await this.s3.send(new ListPartsCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }));
        for (const part of page.Parts ?? []) parts.push({ partNumber: part.PartNumber!, size: part.Size ?? 0, etag: part.ETag! });
        // A marker that does not advance would page forever: a server's fault, so stop there.
        marker = page.IsTruncated && page.NextPartNumberMarker !== marker ? page.NextPartNumberMarker : undefined;
      } while (marker);
    } catch (error) {
      if (errorName(error) === 'NoSuchUpload' || httpStatus(error) === 404) return null;
      throw new InternalError('storage multipart list failed', { cause: error });
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    try {
      await this.s3.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch (error) {
      if (errorName(error) === 'NoSuchUpload' || httpStatus(error) === 404) return;
      throw new InternalError('storage multipart abort failed', { cause: error });
    }
  }

  async head(key: string): Promise<{ size: number; etag: string; sha256?: string } | null> {
    try {
      const out = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key, ChecksumMode: 'ENABLED' }));
      // A multipart object's checksum is a checksum of part checksums ("...-N"), not the object's SHA-256.
      const checksum = out.ChecksumSHA256 && !out.ChecksumSHA256.includes('-') && out.ChecksumType !== 'COMPOSITE'
        ? Buffer.from(out.ChecksumSHA256, 'base64').toString('hex')
        : undefined;
      return { size: out.ContentLength ?? 0, etag: out.ETag ?? '', ...(checksum && checksum.length === 64 ? { sha256: checksum } : {}) };
    } catch (error) {
      if (isMissing(error)) return null;
      throw new InternalError('storage head failed', { cause: error });
    }
  }

  async readRange(key: string, start: number, end: number): Promise<Uint8Array> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${start}-${end}` }));
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if (isMissing(error)) return new Uint8Array();
      throw new InternalError('storage read failed', { cause: error });
    }
  }

  async sha256Of(key: string): Promise<string | null> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const hash = createHash('sha256');
      for await (const chunk of out.Body as Readable) hash.update(chunk as Uint8Array);
      return hash.digest('hex');
    } catch (error) {
      if (isMissing(error)) return null;
      throw new InternalError('storage read failed', { cause: error });
    }
  }

  async setTags(key: string, tags: Record<string, string>): Promise<void> {
    const TagSet = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    await this.#call('tag', () => this.s3.send(new PutObjectTaggingCommand({ Bucket: this.bucket, Key: key, Tagging: { TagSet } })));
  }

  async #call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw new InternalError(`storage ${what} failed`, { cause: error });
    }
  }
}

/**
 * The body into one buffer of the size storage announced, chunk by chunk: no list of chunks and no second copy
 * (the SDK's `transformToByteArray` concatenates), which matters for the megabytes a download holds at once.
 */
async function readExactly(body: AsyncIterable<Uint8Array>, size: number | undefined): Promise<Uint8Array> {
  if (size === undefined) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) chunks.push(chunk);
    return Buffer.concat(chunks);
  }
  const into = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for await (const chunk of body) {
    if (at + chunk.length > size) throw new Error('object longer than its Content-Length');
    into.set(chunk, at);
    at += chunk.length;
  }
  if (at !== size) throw new Error('object shorter than its Content-Length');
  return into;
}
