/**
 * Where the client sends the bytes of a large upload: what `POST /v1/uploads` answers. The HTTP format
 * (`shared/http/formats/uploads.ts`) describes this shape; the domain does not depend on it.
 */

/** Up to the single-PUT limit: one presigned PUT of the whole file. */
export interface SinglePutTarget {
  fileId: string;
  method: 'PUT';
  /** Presigned storage URL; holds no file name. */
  url: string;
  /** Sent exactly with the PUT: they are signed. */
  headers: Record<string, string>;
  expiresAt: string;
}

/** Above the single-PUT limit: one presigned URL per part; every part but the last has `partSize` bytes. */
export interface MultipartTarget {
  fileId: string;
  partSize: number;
  parts: { partNumber: number; url: string }[];
  expiresAt: string;
}

export type UploadTarget = SinglePutTarget | MultipartTarget;
