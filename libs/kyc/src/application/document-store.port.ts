/**
 * Where KYC document files are kept (object storage): a filesystem under `DATA_DIR` by default (in memory when
 * `DATA_DIR=:memory:`), an S3-compatible bucket in production. Files are encrypted before they reach it.
 */
export interface DocumentStore {
  put(key: string, bytes: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | null>;
}

export const DOCUMENT_STORE = Symbol('DOCUMENT_STORE');
