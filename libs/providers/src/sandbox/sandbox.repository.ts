import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CurrencyCode } from '#monay/kernel';
import type { ProviderMode, ProviderName, ProviderStartMode, RoutedOperation } from '#monay/shared';
import type { ProviderTransactionStatus } from '../domain/stablecoin-provider.port';
import type { SandboxSettings } from './sandbox-settings';

/** A vendor-side transaction, as the sandbox stores it. Amounts in minor units. */
export interface SandboxTransactionRow {
  id: string;
  provider: ProviderName;
  idempotencyKey: string;
  providerTransactionId: string;
  operation: RoutedOperation;
  requestHash: string;
  currency: CurrencyCode;
  amount: bigint;
  fee: bigint;
  swapOutCurrency: CurrencyCode | null;
  swapOutAmount: bigint | null;
  /** The vendor's own representation of the transaction (its wire format). */
  wire: Record<string, unknown>;
  outcome: 'completed' | 'failed';
  failureReason: string | null;
  stage: number;
  status: ProviderTransactionStatus;
  providerStatus: string;
  createdAt: Date;
  settlesAt: Date;
  settledAt: Date | null;
  webhookId: string;
  notifiedAt: Date | null;
}

export type NewSandboxTransaction = Omit<SandboxTransactionRow, 'settledAt' | 'notifiedAt'>;

export interface SandboxWalletRow {
  provider: ProviderName;
  idempotencyKey: string;
  userRef: string;
  walletId: string;
  address: string;
}

export interface SandboxQuoteRow {
  id: string;
  provider: ProviderName;
  fromCurrency: CurrencyCode;
  toCurrency: CurrencyCode;
  amountIn: bigint;
  rate: string;
  fee: bigint;
  amountOut: bigint;
  expiresAt: Date;
  executedKey: string | null;
}

/** A state change computed from the clock, written back only if it moves the transaction forward. */
export interface SandboxAdvance {
  stage: number;
  status: ProviderTransactionStatus;
  providerStatus: string;
  settledAt: Date | null;
}

const TRANSACTION_COLUMNS = `id, provider, idempotency_key, provider_transaction_id, operation, request_hash, currency,
  amount::text AS amount, fee::text AS fee, swap_out_currency, swap_out_amount::text AS swap_out_amount, wire,
  outcome, failure_reason, stage, status, provider_status, created_at, settles_at, settled_at, webhook_id,
  notified_at`;

interface TransactionRecord {
  id: string;
  provider: ProviderName;
  idempotency_key: string;
  provider_transaction_id: string;
  operation: RoutedOperation;
  request_hash: string;
  currency: CurrencyCode;
  amount: string;
  fee: string;
  swap_out_currency: CurrencyCode | null;
  swap_out_amount: string | null;
  wire: Record<string, unknown>;
  outcome: 'completed' | 'failed';
  failure_reason: string | null;
  stage: number;
  status: ProviderTransactionStatus;
  provider_status: string;
  created_at: Date;
  settles_at: Date;
  settled_at: Date | null;
  webhook_id: string;
  notified_at: Date | null;
}

function toTransaction(record: TransactionRecord): SandboxTransactionRow {
  return {
    id: record.id,
    provider: record.provider,
    idempotencyKey: record.idempotency_key,
    providerTransactionId: record.provider_transaction_id,
    operation: record.operation,
    requestHash: record.request_hash,
    currency: record.currency,
    amount: BigInt(record.amount),
    fee: BigInt(record.fee),
    swapOutCurrency: record.swap_out_currency,
    swapOutAmount: record.swap_out_amount === null ? null : BigInt(record.swap_out_amount),
    wire: record.wire,
    outcome: record.outcome,
    failureReason: record.failure_reason,
    stage: record.stage,
    status: record.status,
    providerStatus: record.provider_status,
    createdAt: record.created_at,
    settlesAt: record.settles_at,
    settledAt: record.settled_at,
    webhookId: record.webhook_id,
    notifiedAt: record.notified_at,
  };
}

/** node-postgres through TypeORM answers `[rows, count]` for UPDATE/DELETE … RETURNING, plain rows otherwise. */
function rowsOf<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}

/**
 * Every statement of the sandbox providers. The sandbox is another company: it runs its own autocommit
 * statements on the data source, never inside a caller's transaction, and only it reads the `sandbox_` tables.
 */
@Injectable()
export class SandboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private async run<T>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    return rowsOf<T>(await this.dataSource.query(sql, parameters));
  }

  // Settings ---------------------------------------------------------------------------------------------

  async loadSettings(): Promise<SandboxSettings[]> {
    const rows = await this.run<{
      provider: ProviderName;
      mode: ProviderMode;
      failure_rate: number;
      added_latency_ms: number;
      fail_after_accept_rate: number;
      late: boolean;
      late_by_ms: number | null;
      updated_at: Date;
    }>(
      `SELECT provider, mode, failure_rate, added_latency_ms, fail_after_accept_rate, late, late_by_ms, updated_at
         FROM sandbox_provider_settings ORDER BY provider`,
    );
    return rows.map((row) => ({
      name: row.provider,
      mode: row.mode,
      failureRate: row.failure_rate,
      addedLatencyMs: row.added_latency_ms,
      failAfterAcceptRate: row.fail_after_accept_rate,
      late: row.late,
      lateByMs: row.late_by_ms,
      updatedAt: row.updated_at,
    }));
  }

  /**
   * Applies the configured start mode: inserts the provider's row if it has none, and replaces it when the
   * configured mode differs from the one last applied from configuration. A row an admin changed at run time
   * under the same configuration is kept, so a restarting replica does not undo it. `configured` is the
   * start mode as configured (`timeout-late` is timeout mode with the late write).
   */
  async applyConfiguredMode(settings: SandboxSettings, configured: ProviderStartMode): Promise<void> {
    await this.run(
      `INSERT INTO sandbox_provider_settings
         (provider, mode, config_mode, failure_rate, added_latency_ms, fail_after_accept_rate, late, late_by_ms,
          updated_at)
       VALUES ($1, $2, $9, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (provider) DO UPDATE
         SET mode = EXCLUDED.mode, config_mode = EXCLUDED.config_mode, failure_rate = EXCLUDED.failure_rate,
             added_latency_ms = EXCLUDED.added_latency_ms,
             fail_after_accept_rate = EXCLUDED.fail_after_accept_rate, late = EXCLUDED.late,
             late_by_ms = EXCLUDED.late_by_ms, updated_at = EXCLUDED.updated_at
         WHERE sandbox_provider_settings.config_mode IS DISTINCT FROM EXCLUDED.config_mode`,
      [
        settings.name,
        settings.mode,
        settings.failureRate,
        settings.addedLatencyMs,
        settings.failAfterAcceptRate,
        settings.late,
        settings.lateByMs,
        settings.updatedAt,
        configured,
      ],
    );
  }

  /** An admin's change at run time (the configured mode stays as it was). */
  async saveSettings(settings: SandboxSettings, configuredMode: ProviderStartMode): Promise<void> {
    await this.run(
      `INSERT INTO sandbox_provider_settings
         (provider, mode, config_mode, failure_rate, added_latency_ms, fail_after_accept_rate, late, late_by_ms,
          updated_at)
       VALUES ($1, $2, $9, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (provider) DO UPDATE
         SET mode = EXCLUDED.mode, failure_rate = EXCLUDED.failure_rate,
             added_latency_ms = EXCLUDED.added_latency_ms,
             fail_after_accept_rate = EXCLUDED.fail_after_accept_rate, late = EXCLUDED.late,
             late_by_ms = EXCLUDED.late_by_ms, updated_at = EXCLUDED.updated_at`,
      [
        settings.name,
        settings.mode,
        settings.failureRate,
        settings.addedLatencyMs,
        settings.failAfterAcceptRate,
        settings.late,
        settings.lateByMs,
        settings.updatedAt,
        configuredMode,
      ],
    );
  }

  // Transactions -----------------------------------------------------------------------------------------

  async findTransaction(
    provider: ProviderName,
    idempotencyKey: string,
  ): Promise<SandboxTransactionRow | null> {
    const [record] = await this.run<TransactionRecord>(
      `SELECT ${TRANSACTION_COLUMNS} FROM sandbox_provider_transactions
        WHERE provider = $1 AND idempotency_key = $2`,
      [provider, idempotencyKey],
    );
    return record ? toTransaction(record) : null;
  }

  /** Inserts unless the key exists; either way answers the stored row and whether this call inserted it. */
  async insertTransaction(
    row: NewSandboxTransaction,
  ): Promise<{ row: SandboxTransactionRow; inserted: boolean }> {
    const [inserted] = await this.run<TransactionRecord>(
      `INSERT INTO sandbox_provider_transactions
         (id, provider, idempotency_key, provider_transaction_id, operation, request_hash, currency, amount, fee,
          swap_out_currency, swap_out_amount, wire, outcome, failure_reason, stage, status, provider_status,
          created_at, settles_at, webhook_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
       ON CONFLICT (provider, idempotency_key) DO NOTHING
       RETURNING ${TRANSACTION_COLUMNS}`,
      [
        row.id,
        row.provider,
        row.idempotencyKey,
        row.providerTransactionId,
        row.operation,
        row.requestHash,
        row.currency,
        row.amount.toString(),
        row.fee.toString(),
        row.swapOutCurrency,
        row.swapOutAmount?.toString() ?? null,
        JSON.stringify(row.wire),
        row.outcome,
        row.failureReason,
        row.stage,
        row.status,
        row.providerStatus,
        row.createdAt,
        row.settlesAt,
        row.webhookId,
      ],
    );
    if (inserted) return { row: toTransaction(inserted), inserted: true };
    const existing = await this.findTransaction(row.provider, row.idempotencyKey);
    if (!existing) throw new Error(`sandbox transaction ${row.provider}/${row.idempotencyKey} vanished`);
    return { row: existing, inserted: false };
  }

  /**
   * Writes back a state computed from the clock, only forward (`stage` grows): two processes reading at once
   * write the same or a later state, never an earlier one. Answers the row as stored after the write and
   * whether this call moved it.
   */
  async advance(
    row: SandboxTransactionRow,
    to: SandboxAdvance,
  ): Promise<{ row: SandboxTransactionRow; moved: boolean }> {
    const [updated] = await this.run<TransactionRecord>(
      `UPDATE sandbox_provider_transactions
          SET stage = $2, status = $3, provider_status = $4, settled_at = $5
        WHERE id = $1 AND stage < $2
        RETURNING ${TRANSACTION_COLUMNS}`,
      [row.id, to.stage, to.status, to.providerStatus, to.settledAt],
    );
    if (updated) return { row: toTransaction(updated), moved: true };
    const current = await this.findTransaction(row.provider, row.idempotencyKey);
    return { row: current ?? row, moved: false };
  }

  /** Settles every pending transaction of `provider` whose time has come; answers the ones it settled. */
  async settleDue(
    provider: ProviderName,
    now: Date,
    terminal: { stage: number; completed: string; failed: string },
  ): Promise<SandboxTransactionRow[]> {
    const records = await this.run<TransactionRecord>(
      `UPDATE sandbox_provider_transactions
          SET stage = $3, status = outcome, settled_at = settles_at,
              provider_status = CASE WHEN outcome = 'completed' THEN $4 ELSE $5 END
        WHERE provider = $1 AND status = 'pending' AND settles_at <= $2 AND stage < $3
        RETURNING ${TRANSACTION_COLUMNS}`,
      [provider, now, terminal.stage, terminal.completed, terminal.failed],
    );
    return records.map(toTransaction);
  }

  /** Claims the right to send a settled transaction's webhook (once, whichever process asks first). */
  async claimNotification(id: string, now: Date): Promise<boolean> {
    const claimed = await this.run<{ id: string }>(
      `UPDATE sandbox_provider_transactions SET notified_at = $2
        WHERE id = $1 AND notified_at IS NULL AND status <> 'pending'
        RETURNING id`,
      [id, now],
    );
    return claimed.length > 0;
  }

  /**
   * The provider's omnibus balance per currency, counting completed transactions only: a deposit adds what it
   * collected minus the fee withheld, money out takes the amount plus the fee, a swap takes what was sold and
   * adds what was delivered.
   */
  async balances(provider: ProviderName): Promise<Array<{ currency: CurrencyCode; amount: bigint }>> {
    const rows = await this.run<{ currency: CurrencyCode; amount: string }>(
      `SELECT currency, sum(delta)::text AS amount FROM (
          SELECT currency,
                 CASE operation WHEN 'deposit' THEN amount - fee
                                WHEN 'swap' THEN -amount
                                ELSE -(amount + fee) END AS delta
            FROM sandbox_provider_transactions WHERE provider = $1 AND status = 'completed'
          UNION ALL
          SELECT swap_out_currency, swap_out_amount
            FROM sandbox_provider_transactions
           WHERE provider = $1 AND status = 'completed' AND operation = 'swap'
        ) AS effects
        GROUP BY currency ORDER BY currency`,
      [provider],
    );
    return rows.map((row) => ({ currency: row.currency, amount: BigInt(row.amount) }));
  }

  // Wallets ----------------------------------------------------------------------------------------------

  async insertWallet(
    id: string,
    wallet: SandboxWalletRow,
  ): Promise<{ wallet: SandboxWalletRow; inserted: boolean }> {
    const inserted = await this.run<{ id: string }>(
      `INSERT INTO sandbox_provider_wallets (id, provider, idempotency_key, user_ref, wallet_id, address)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (provider, idempotency_key) DO NOTHING RETURNING id`,
      [id, wallet.provider, wallet.idempotencyKey, wallet.userRef, wallet.walletId, wallet.address],
    );
    const [stored] = await this.run<{
      provider: ProviderName;
      idempotency_key: string;
      user_ref: string;
      wallet_id: string;
      address: string;
    }>(
      `SELECT provider, idempotency_key, user_ref, wallet_id, address FROM sandbox_provider_wallets
        WHERE provider = $1 AND idempotency_key = $2`,
      [wallet.provider, wallet.idempotencyKey],
    );
    return {
      wallet: {
        provider: stored.provider,
        idempotencyKey: stored.idempotency_key,
        userRef: stored.user_ref,
        walletId: stored.wallet_id,
        address: stored.address,
      },
      inserted: inserted.length > 0,
    };
  }

  // Swap quotes ------------------------------------------------------------------------------------------

  async insertQuote(quote: SandboxQuoteRow): Promise<void> {
    await this.run(
      `INSERT INTO sandbox_swap_quotes
         (id, provider, from_currency, to_currency, amount_in, rate, fee, amount_out, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        quote.id,
        quote.provider,
        quote.fromCurrency,
        quote.toCurrency,
        quote.amountIn.toString(),
        quote.rate,
        quote.fee.toString(),
        quote.amountOut.toString(),
        quote.expiresAt,
      ],
    );
  }

  async findQuote(provider: ProviderName, id: string): Promise<SandboxQuoteRow | null> {
    const [row] = await this.run<{
      id: string;
      provider: ProviderName;
      from_currency: CurrencyCode;
      to_currency: CurrencyCode;
      amount_in: string;
      rate: string;
      fee: string;
      amount_out: string;
      expires_at: Date;
      executed_key: string | null;
    }>(
      `SELECT id, provider, from_currency, to_currency, amount_in::text AS amount_in, rate, fee::text AS fee,
              amount_out::text AS amount_out, expires_at, executed_key
         FROM sandbox_swap_quotes WHERE provider = $1 AND id = $2`,
      [provider, id],
    );
    if (!row) return null;
    return {
      id: row.id,
      provider: row.provider,
      fromCurrency: row.from_currency,
      toCurrency: row.to_currency,
      amountIn: BigInt(row.amount_in),
      rate: row.rate,
      fee: BigInt(row.fee),
      amountOut: BigInt(row.amount_out),
      expiresAt: row.expires_at,
      executedKey: row.executed_key,
    };
  }

  /** Marks the quote executed by `idempotencyKey`; false when another key executed it already. */
  async claimQuote(provider: ProviderName, id: string, idempotencyKey: string): Promise<boolean> {
    const claimed = await this.run<{ id: string }>(
      `UPDATE sandbox_swap_quotes SET executed_key = $3
        WHERE provider = $1 AND id = $2 AND (executed_key IS NULL OR executed_key = $3)
        RETURNING id`,
      [provider, id, idempotencyKey],
    );
    return claimed.length > 0;
  }
}
