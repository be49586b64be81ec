import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { InquiryStatus } from '../../domain/inquiry';
import type { IdentityFields, VendorDocument } from '../../application/kyc-vendor.port';
import type { TargetTier } from '../../domain/kyc-requirements';

/** The sandbox vendor's own inquiry (what Persona would hold on its side). */
export interface SandboxInquiryRow {
  id: string;
  referenceId: string;
  idempotencyKey: string;
  targetTier: TargetTier;
  status: InquiryStatus;
  fields: IdentityFields;
  documents: Array<VendorDocument & { fileName: string }>;
  reasons: string[];
  createdAt: Date;
  expiresAt: Date;
  decideAt: Date | null;
}

/** An event the sandbox vendor sends as a webhook (its body exactly as signed). */
export interface SandboxEventRow {
  id: string;
  inquiryId: string;
  name: string;
  body: string;
  createdAt: Date;
}

interface Row {
  id: string;
  reference_id: string;
  idempotency_key: string;
  target_tier: number;
  status: InquiryStatus;
  fields: IdentityFields;
  documents: SandboxInquiryRow['documents'];
  reasons: string[];
  created_at: Date;
  expires_at: Date;
  decide_at: Date | null;
}

const toRow = (row: Row): SandboxInquiryRow => ({
  id: row.id,
  referenceId: row.reference_id,
  idempotencyKey: row.idempotency_key,
  targetTier: row.target_tier as TargetTier,
  status: row.status,
  fields: row.fields,
  documents: row.documents,
  reasons: row.reasons,
  createdAt: new Date(row.created_at),
  expiresAt: new Date(row.expires_at),
  decideAt: row.decide_at === null ? null : new Date(row.decide_at),
});

/** sandbox_kyc_inquiries and sandbox_kyc_events: the sandbox vendor's state (it survives restarts). */
@Injectable()
export class PersonaSandboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The inquiry, its row locked until the transaction ends. */
  async lock(tx: EntityManager, id: string): Promise<SandboxInquiryRow | null> {
    const rows = (await tx.query(`SELECT * FROM sandbox_kyc_inquiries WHERE id = $1 FOR UPDATE`, [
      id,
    ])) as Row[];
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** Inserts the inquiry unless one has its idempotency key; answers the one that has it, locked. */
  async insertOrGet(
    tx: EntityManager,
    inquiry: SandboxInquiryRow,
  ): Promise<{ row: SandboxInquiryRow; created: boolean }> {
    const inserted = (await tx.query(
      `INSERT INTO sandbox_kyc_inquiries
         (id, reference_id, idempotency_key, target_tier, status, fields, documents, reasons, created_at, updated_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, '[]', '[]', $7, $7, $8)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
      [
        inquiry.id,
        inquiry.referenceId,
        inquiry.idempotencyKey,
        inquiry.targetTier,
        inquiry.status,
        JSON.stringify(inquiry.fields),
        inquiry.createdAt,
        inquiry.expiresAt,
      ],
    )) as unknown[];
    const rows = (await tx.query(
      `SELECT * FROM sandbox_kyc_inquiries WHERE idempotency_key = $1 FOR UPDATE`,
      [inquiry.idempotencyKey],
    )) as Row[];
    return { row: toRow(rows[0]), created: inserted.length > 0 };
  }

  async save(tx: EntityManager, inquiry: SandboxInquiryRow, now: Date): Promise<void> {
    await tx.query(
      `UPDATE sandbox_kyc_inquiries
          SET status = $2, documents = $3::jsonb, reasons = $4::jsonb, decide_at = $5, updated_at = $6
        WHERE id = $1`,
      [
        inquiry.id,
        inquiry.status,
        JSON.stringify(inquiry.documents),
        JSON.stringify(inquiry.reasons),
        inquiry.decideAt,
        now,
      ],
    );
  }

  async appendEvents(tx: EntityManager, events: SandboxEventRow[]): Promise<void> {
    for (const event of events) {
      await tx.query(
        `INSERT INTO sandbox_kyc_events (id, inquiry_id, name, body, created_at) VALUES ($1, $2, $3, $4, $5)`,
        [event.id, event.inquiryId, event.name, event.body, event.createdAt],
      );
    }
  }

  /** Inquiries with something due at `now`: a pending one past its expiry, a completed one past its decision time. */
  async dueIds(now: Date, limit: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM sandbox_kyc_inquiries
        WHERE (status IN ('created', 'pending') AND expires_at <= $1) OR (status = 'completed' AND decide_at <= $1)
        ORDER BY id LIMIT $2`,
      [now, limit],
    )) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  /** The events of one inquiry, in the order they happened. */
  async events(inquiryId: string): Promise<SandboxEventRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, inquiry_id, name, body, created_at FROM sandbox_kyc_events WHERE inquiry_id = $1 ORDER BY seq`,
      [inquiryId],
    )) as Array<{ id: string; inquiry_id: string; name: string; body: string; created_at: Date }>;
    return rows.map((row) => ({
      id: row.id,
      inquiryId: row.inquiry_id,
      name: row.name,
      body: row.body,
      createdAt: new Date(row.created_at),
    }));
  }

  async markDelivered(id: string, at: Date): Promise<void> {
    await this.dataSource.query(`UPDATE sandbox_kyc_events SET delivered_at = $2 WHERE id = $1`, [id, at]);
  }
}
