/** FileStore on S3 (or an S3-compatible server locally). SDK errors become domain errors here. */
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { InternalError } from '../domain/errors.ts';
import type { FileStore, ObjectHandle, StoredObjectHeaders } from '../domain/ports.ts';

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
    if (headers.tags && Object.keys(headers.tags).length > 0) {
      // A separate call rather than PutObject's Tagging header, which S3-compatible local servers ignore.
      const TagSet = Object.entries(headers.tags).map(([Key, Value]) => ({ Key, Value }));
      await this.#call('tag', () => this.s3.send(new PutObjectTaggingCommand({ Bucket: this.bucket, Key: key, Tagging: { TagSet } })));
    }
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
            return body ? await body.transformToByteArray() : new Uint8Array();
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
        new GetObjectCommand({ Bucket: this.bucket, Key: key, ResponseContentDisposition: dispositionType }),
        { expiresIn: ttlSeconds },
      ),
    );
  }

  async #call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw new InternalError(`storage ${what} failed`, { cause: error });
    }
  }
}
