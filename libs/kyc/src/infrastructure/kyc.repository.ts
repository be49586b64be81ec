import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { InquiryStatus } from '../domain/inquiry';
import type { TargetTier } from '../domain/kyc-requirements';

/** Our record of a verification inquiry (the vendor holds the identity data; we keep what we decide on). */
export interface KycInquiry {
  id: string;
  userId: string;
  targetTier: TargetTier;
  vendor: string;
  vendorInquiryId: string | null;
  status: InquiryStatus;
  reasons: string[];
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date | null;
}

export interface KycDocument {
  id: string;
  inquiryId: string;
  type: string;
  side: string | null;
  contentType: string;
  sizeBytes: number;
  status: string;
  vendorDocumentId: string | null;
  uploadedAt: Date;
}

/** The statuses in which an inquiry is still open (one per user and target tier). */
export const OPEN_STATUSES: InquiryStatus[] = ['created', 'pending', 'completed', 'needs_review'];
const OPEN = `('created', 'pending', 'completed', 'needs_review')`;

interface InquiryRow {
  id: string;
  user_id: string;
  target_tier: number;
  vendor: string;
  vendor_inquiry_id: string | null;
  status: InquiryStatus;
  reasons: string[];
  created_at: Date;
  updated_at: Date;
  expires_at: Date | null;
}

const inquiryOf = (row: InquiryRow): KycInquiry => ({
  id: row.id,
  userId: row.user_id,
  targetTier: row.target_tier as TargetTier,
  vendor: row.vendor,
  vendorInquiryId: row.vendor_inquiry_id,
  status: row.status,
  reasons: row.reasons,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
  expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
});

/** kyc_inquiries, kyc_documents, kyc_webhook_events, kyc_tier_changes: all of the KYC context's SQL. */
@Injectable()
export class KycRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(tx?: EntityManager): EntityManager {
    return tx ?? this.dataSource.manager;
  }

  /** Opens an inquiry unless the user has one open for the tier; answers the open one. */
  async openInquiry(input: {
    id: string;
    userId: string;
    targetTier: TargetTier;
    vendor: string;
    now: Date;
  }): Promise<KycInquiry> {
    await this.dataSource.query(
      `INSERT INTO kyc_inquiries (id, user_id, target_tier, vendor, status, reasons, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'created', '[]', $5, $5)
       ON CONFLICT (user_id, target_tier) WHERE status IN ${OPEN} DO NOTHING`,
      [input.id, input.userId, input.targetTier, input.vendor, input.now],
    );
    const open = await this.findOpen(input.userId, input.targetTier);
    if (!open) throw new Error('The open inquiry vanished');
    return open;
  }

  async findOpen(userId: string, targetTier?: TargetTier): Promise<KycInquiry | null> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM kyc_inquiries WHERE user_id = $1 AND status IN ${OPEN} AND ($2::smallint IS NULL OR target_tier = $2)
        ORDER BY created_at DESC, id LIMIT 1`,
      [userId, targetTier ?? null],
    )) as InquiryRow[];
    return rows[0] ? inquiryOf(rows[0]) : null;
  }

  /** The user's most recent inquiry, whatever its status. */
  async latest(userId: string): Promise<KycInquiry | null> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM kyc_inquiries WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1`,
      [userId],
    )) as InquiryRow[];
    return rows[0] ? inquiryOf(rows[0]) : null;
  }

  async findById(id: string): Promise<KycInquiry | null> {
    const rows = (await this.dataSource.query(`SELECT * FROM kyc_inquiries WHERE id = $1`, [
      id,
    ])) as InquiryRow[];
    return rows[0] ? inquiryOf(rows[0]) : null;
  }

  async findByVendorId(vendor: string, vendorInquiryId: string): Promise<KycInquiry | null> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM kyc_inquiries WHERE vendor = $1 AND vendor_inquiry_id = $2`,
      [vendor, vendorInquiryId],
    )) as InquiryRow[];
    return rows[0] ? inquiryOf(rows[0]) : null;
  }

  /** The inquiry, locked until the transaction ends (every change of one inquiry is serialised). */
  async lock(tx: EntityManager, id: string): Promise<KycInquiry | null> {
    const rows = (await tx.query(`SELECT * FROM kyc_inquiries WHERE id = $1 FOR UPDATE`, [
      id,
    ])) as InquiryRow[];
    return rows[0] ? inquiryOf(rows[0]) : null;
  }

  async setVendorInquiry(id: string, vendorInquiryId: string, expiresAt: Date | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE kyc_inquiries SET vendor_inquiry_id = $2, expires_at = $3 WHERE id = $1 AND vendor_inquiry_id IS NULL`,
      [id, vendorInquiryId, expiresAt],
    );
  }

  async setStatus(
    tx: EntityManager,
    id: string,
    status: InquiryStatus,
    reasons: string[],
    expiresAt: Date | null,
    now: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE kyc_inquiries SET status = $2, reasons = $3::jsonb, expires_at = $4, updated_at = $5 WHERE id = $1`,
      [id, status, JSON.stringify(reasons), expiresAt, now],
    );
  }

  /**
   * Open inquiries to ask the vendor about at `now`: a pending one past its expiry, and one waiting for the
   * vendor's decision (completed, needs_review) unchanged since `staleBefore` (its webhook may have been lost).
   */
  async dueForRefresh(now: Date, staleBefore: Date, limit: number): Promise<KycInquiry[]> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM kyc_inquiries
        WHERE (status IN ('created', 'pending') AND expires_at <= $1)
           OR (status IN ('completed', 'needs_review') AND updated_at <= $2)
        ORDER BY updated_at, id LIMIT $3`,
      [now, staleBefore, limit],
    )) as InquiryRow[];
    return rows.map(inquiryOf);
  }

  /** Inquiries by status, newest first, after the cursor (created_at, id) if any. */
  async list(
    status: InquiryStatus | undefined,
    limit: number,
    after: { createdAt: Date; id: string } | null,
  ): Promise<KycInquiry[]> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM kyc_inquiries
        WHERE ($1::text IS NULL OR status = $1)
          AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [status ?? null, after?.createdAt ?? null, after?.id ?? null, limit],
    )) as InquiryRow[];
    return rows.map(inquiryOf);
  }

  async addDocument(document: KycDocument & { userId: string; storageKey: string }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO kyc_documents
         (id, user_id, inquiry_id, type, side, content_type, size_bytes, storage_key, status, vendor_document_id, uploaded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        document.id,
        document.userId,
        document.inquiryId,
        document.type,
        document.side,
        document.contentType,
        document.sizeBytes,
        document.storageKey,
        document.status,
        document.vendorDocumentId,
        document.uploadedAt,
      ],
    );
  }

  async setDocumentStatus(
    tx: EntityManager | undefined,
    id: string,
    status: string,
    vendorDocumentId: string | null,
  ): Promise<void> {
    await this.manager(tx).query(
      `UPDATE kyc_documents SET status = $2, vendor_document_id = COALESCE($3, vendor_document_id) WHERE id = $1`,
      [id, status, vendorDocumentId],
    );
  }

  /** An inquiry's documents, the latest of each type and side first. */
  async documents(inquiryId: string, tx?: EntityManager): Promise<KycDocument[]> {
    const rows = (await this.manager(tx).query(
      `SELECT id, inquiry_id, type, side, content_type, size_bytes, status, vendor_document_id, uploaded_at
         FROM kyc_documents WHERE inquiry_id = $1 ORDER BY uploaded_at DESC, id`,
      [inquiryId],
    )) as Array<{
      id: string;
      inquiry_id: string;
      type: string;
      side: string | null;
      content_type: string;
      size_bytes: number;
      status: string;
      vendor_document_id: string | null;
      uploaded_at: Date;
    }>;
    return rows.map((row) => ({
      id: row.id,
      inquiryId: row.inquiry_id,
      type: row.type,
      side: row.side,
      contentType: row.content_type,
      sizeBytes: row.size_bytes,
      status: row.status,
      vendorDocumentId: row.vendor_document_id,
      uploadedAt: new Date(row.uploaded_at),
    }));
  }

  async isWebhookRecorded(vendor: string, eventId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM kyc_webhook_events WHERE vendor = $1 AND event_id = $2`,
      [vendor, eventId],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Records a webhook unless it is (false for a redelivery; ON CONFLICT waits for a concurrent one to commit). */
  async recordWebhook(
    tx: EntityManager,
    event: {
      vendor: string;
      eventId: string;
      name: string;
      vendorInquiryId: string;
      outcome: string;
      payload: unknown;
    },
  ): Promise<boolean> {
    const rows = (await tx.query(
      `INSERT INTO kyc_webhook_events (vendor, event_id, name, vendor_inquiry_id, outcome, payload)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT DO NOTHING RETURNING 1`,
      [
        event.vendor,
        event.eventId,
        event.name,
        event.vendorInquiryId,
        event.outcome,
        JSON.stringify(event.payload),
      ],
    )) as unknown[];
    return rows.length > 0;
  }

  /** The audit record of a tier change, in the change's transaction. */
  async recordTierChange(
    tx: EntityManager,
    change: {
      userId: string;
      fromLevel: number;
      toLevel: number;
      reason: string;
      inquiryId: string | null;
      actorUserId: string | null;
      at: Date;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO kyc_tier_changes (user_id, from_level, to_level, reason, inquiry_id, actor_user_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        change.userId,
        change.fromLevel,
        change.toLevel,
        change.reason,
        change.inquiryId,
        change.actorUserId,
        change.at,
      ],
    );
  }
}
