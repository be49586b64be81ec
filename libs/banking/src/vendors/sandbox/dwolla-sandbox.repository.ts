import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export interface SandboxFundingSourceRow {
  id: string;
  name: string;
  status: 'unverified' | 'verified' | 'removed';
  micro_status: 'pending' | 'processed' | 'failed' | null;
  micro_amount1: number | null;
  micro_amount2: number | null;
  micro_attempts: number;
  micro_available_at: Date | null;
}

export interface SandboxTransferRow {
  id: string;
  idempotency_key: string;
  funding_source_id: string;
  rail: string;
  direction: 'debit' | 'credit';
  amount_cents: string;
  status: 'pending' | 'processed' | 'cancelled' | 'failed';
  failure_code: string | null;
  process_at: Date;
  processed_at: Date | null;
  failed_at: Date | null;
}

export interface SandboxEventRow {
  id: string;
  topic: string;
  resource_id: string;
  body: string;
}

const TRANSFER_COLUMNS = `id, idempotency_key, funding_source_id, rail, direction, amount_cents::text AS amount_cents,
  status, failure_code, process_at, processed_at, failed_at`;

/** The Dwolla sandbox's own state (`sandbox_dwolla_*`): what the vendor would keep on its side. */
@Injectable()
export class DwollaSandboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insertFundingSource(row: {
    id: string;
    name: string;
    routingNumber: string;
    accountMask: string;
    type: string;
    status: 'unverified' | 'verified';
    now: Date;
  }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO sandbox_dwolla_funding_sources
         (id, name, routing_number, account_mask, bank_account_type, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [row.id, row.name, row.routingNumber, row.accountMask, row.type, row.status, row.now],
    );
  }

  async fundingSource(id: string, tx?: EntityManager, lock = false): Promise<SandboxFundingSourceRow | null> {
    const rows = (await (tx ?? this.dataSource.manager).query(
      `SELECT id, name, status, micro_status, micro_amount1, micro_amount2, micro_attempts, micro_available_at
         FROM sandbox_dwolla_funding_sources WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    )) as SandboxFundingSourceRow[];
    return rows[0] ?? null;
  }

  async startMicroDeposits(id: string, amount1: number, amount2: number, availableAt: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE sandbox_dwolla_funding_sources
          SET micro_status = 'pending', micro_amount1 = $2, micro_amount2 = $3, micro_available_at = $4,
              micro_attempts = 0
        WHERE id = $1 AND micro_status IS NULL`,
      [id, amount1, amount2, availableAt],
    );
  }

  async recordMicroAttempt(tx: EntityManager, id: string, verified: boolean, failed: boolean): Promise<void> {
    await tx.query(
      `UPDATE sandbox_dwolla_funding_sources
          SET micro_attempts = micro_attempts + 1,
              status = CASE WHEN $2 THEN 'verified' ELSE status END,
              micro_status = CASE WHEN $3 THEN 'failed' ELSE micro_status END
        WHERE id = $1`,
      [id, verified, failed],
    );
  }

  async setFundingSourceStatus(id: string, status: string): Promise<void> {
    await this.dataSource.query(`UPDATE sandbox_dwolla_funding_sources SET status = $2 WHERE id = $1`, [
      id,
      status,
    ]);
  }

  async insertTransfer(row: {
    id: string;
    idempotencyKey: string;
    fundingSourceId: string;
    rail: string;
    direction: string;
    clearing: string;
    amountCents: bigint;
    processAt: Date;
    now: Date;
  }): Promise<SandboxTransferRow> {
    await this.dataSource.query(
      `INSERT INTO sandbox_dwolla_transfers
         (id, idempotency_key, funding_source_id, rail, direction, clearing, amount_cents, status, process_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9)
       ON CONFLICT (idempotency_key) DO NOTHING`,
      [
        row.id,
        row.idempotencyKey,
        row.fundingSourceId,
        row.rail,
        row.direction,
        row.clearing,
        row.amountCents.toString(),
        row.processAt,
        row.now,
      ],
    );
    return (await this.transferByKey(row.idempotencyKey)) as SandboxTransferRow;
  }

  async transferByKey(key: string): Promise<SandboxTransferRow | null> {
    const rows = (await this.dataSource.query(
      `SELECT ${TRANSFER_COLUMNS} FROM sandbox_dwolla_transfers WHERE idempotency_key = $1`,
      [key],
    )) as SandboxTransferRow[];
    return rows[0] ?? null;
  }

  async transfer(id: string): Promise<SandboxTransferRow | null> {
    const rows = (await this.dataSource.query(
      `SELECT ${TRANSFER_COLUMNS} FROM sandbox_dwolla_transfers WHERE id = $1`,
      [id],
    )) as SandboxTransferRow[];
    return rows[0] ?? null;
  }

  /** Cancels it if still pending; the transfer as it stands. */
  async cancel(tx: EntityManager, id: string): Promise<SandboxTransferRow | null> {
    await tx.query(
      `UPDATE sandbox_dwolla_transfers SET status = 'cancelled' WHERE id = $1 AND status = 'pending'`,
      [id],
    );
    const rows = (await tx.query(`SELECT ${TRANSFER_COLUMNS} FROM sandbox_dwolla_transfers WHERE id = $1`, [
      id,
    ])) as SandboxTransferRow[];
    return rows[0] ?? null;
  }

  async dueMicroDeposits(tx: EntityManager, now: Date): Promise<string[]> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [rows] = (await tx.query(
      `UPDATE sandbox_dwolla_funding_sources SET micro_status = 'processed'
        WHERE micro_status = 'pending' AND micro_available_at <= $1 RETURNING id`,
      [now],
    )) as [Array<{ id: string }>, number];
    return rows.map((row) => row.id);
  }

  /** Pending transfers due at `now`, locked, with their funding source's name (which drives simulated returns). */
  async duePending(tx: EntityManager, now: Date, limit: number) {
    return (await tx.query(
      `SELECT t.id, t.process_at, f.name
         FROM sandbox_dwolla_transfers t JOIN sandbox_dwolla_funding_sources f ON f.id = t.funding_source_id
        WHERE t.status = 'pending' AND t.process_at <= $1
        ORDER BY t.process_at, t.id LIMIT $2 FOR UPDATE OF t SKIP LOCKED`,
      [now, limit],
    )) as Array<{ id: string; process_at: Date; name: string }>;
  }

  async markProcessed(
    tx: EntityManager,
    id: string,
    processedAt: Date,
    lateReturn: { code: string; at: Date } | null,
  ) {
    await tx.query(
      `UPDATE sandbox_dwolla_transfers SET status = 'processed', processed_at = $2, late_return_code = $3, return_at = $4
        WHERE id = $1`,
      [id, processedAt, lateReturn?.code ?? null, lateReturn?.at ?? null],
    );
  }

  async markFailed(tx: EntityManager, id: string, code: string, failedAt: Date) {
    await tx.query(
      `UPDATE sandbox_dwolla_transfers SET status = 'failed', failure_code = $2, failed_at = $3 WHERE id = $1`,
      [id, code, failedAt],
    );
  }

  async dueReturns(tx: EntityManager, now: Date, limit: number) {
    return (await tx.query(
      `SELECT id, late_return_code AS code, return_at FROM sandbox_dwolla_transfers
        WHERE status = 'processed' AND return_at IS NOT NULL AND return_at <= $1
        ORDER BY return_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    )) as Array<{ id: string; code: string; return_at: Date }>;
  }

  async appendEvents(tx: EntityManager, events: SandboxEventRow[], now: Date): Promise<void> {
    for (const event of events) {
      await tx.query(
        `INSERT INTO sandbox_dwolla_events (id, topic, resource_id, body, created_at) VALUES ($1, $2, $3, $4, $5)`,
        [event.id, event.topic, event.resource_id, event.body, now],
      );
    }
  }

  async markDelivered(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE sandbox_dwolla_events SET delivered_at = now() WHERE id = $1`, [id]);
  }

  async settlementBalance(rail: string): Promise<bigint> {
    const [row] = (await this.dataSource.query(
      `SELECT COALESCE(SUM(CASE WHEN direction = 'debit' THEN amount_cents ELSE -amount_cents END), 0)::text AS total
         FROM sandbox_dwolla_transfers WHERE rail = $1 AND status = 'processed'`,
      [rail],
    )) as Array<{ total: string }>;
    return BigInt(row.total);
  }
}
