import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppConfig, IN_MEMORY } from '#monay/shared';
import type { DocumentStore } from '../application/document-store.port';

const KEY = /^[a-z0-9-]{1,80}$/;

/** Object storage on the local filesystem, under `<DATA_DIR>/kyc-documents`. */
export class FilesystemDocumentStore implements DocumentStore {
  constructor(private readonly directory: string) {}

  async put(key: string, bytes: Buffer): Promise<void> {
    if (!KEY.test(key)) throw new RangeError('bad document key');
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    const path = join(this.directory, key);
    await writeFile(`${path}.tmp`, bytes, { mode: 0o600 });
    await rename(`${path}.tmp`, path);
  }

  async get(key: string): Promise<Buffer | null> {
    if (!KEY.test(key)) return null;
    return readFile(join(this.directory, key)).catch(() => null);
  }
}

/** Object storage in memory (`DATA_DIR=:memory:`, tests). */
export class MemoryDocumentStore implements DocumentStore {
  private readonly objects = new Map<string, Buffer>();

  async put(key: string, bytes: Buffer): Promise<void> {
    this.objects.set(key, Buffer.from(bytes));
  }

  async get(key: string): Promise<Buffer | null> {
    return this.objects.get(key) ?? null;
  }
}

export function documentStoreFor(config: AppConfig): DocumentStore {
  return config.dataDir === IN_MEMORY
    ? new MemoryDocumentStore()
    : new FilesystemDocumentStore(join(config.dataDir, 'kyc-documents'));
}

/**
 * Encrypts a document at rest with AES-256-GCM (`KYC_DOCUMENT_ENCRYPTION_KEY`): what is stored is
 * `iv (12 bytes) ‖ tag (16) ‖ ciphertext`, so a copy of the storage without the key reads nothing.
 */
@Injectable()
export class DocumentCipher {
  constructor(private readonly config: AppConfig) {}

  seal(plain: Buffer, key: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.config.kyc.documentKey, iv);
    cipher.setAAD(Buffer.from(key));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer, key: string): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.config.kyc.documentKey, sealed.subarray(0, 12));
    decipher.setAAD(Buffer.from(key));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
  }
}
