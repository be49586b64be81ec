import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { BankAccount, BankAccountStatus } from './bank-account';

interface Row {
  id: string;
  user_id: string;
  source: 'instant' | 'manual';
  institution_name: string;
  holder_name: string;
  account_type: 'checking' | 'savings';
  routing_number: string;
  account_mask: string;
  status: BankAccountStatus;
  status_reason: string | null;
  vendor_funding_source_id: string | null;
  verify_attempts: number;
  ownership: Record<string, unknown> | null;
  micro_deposits_available_at: Date | null;
  created_at: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toAccount(row: Row): BankAccount {
  return {
    id: row.id,
    userId: row.user_id,
    source: row.source,
    institutionName: row.institution_name,
    holderName: row.holder_name,
    accountType: row.account_type,
    routingNumber: row.routing_number,
    accountMask: row.account_mask,
    status: row.status,
    statusReason: row.status_reason,
    vendorFundingSourceId: row.vendor_funding_source_id,
    verifyAttempts: row.verify_attempts,
    ownership: row.ownership,
    microDepositsAvailableAt: row.micro_deposits_available_at,
    createdAt: row.created_at,
  };
}

/** `bank_accounts`: the user's linked accounts, numbers sealed. */
@Injectable()
export class BankAccountRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(
    tx: EntityManager,
    account: Omit<BankAccount, 'verifyAttempts' | 'createdAt' | 'microDepositsAvailableAt'> & {
      sealedNumber: string;
      fingerprint: string;
      now: Date;
    },
  ): Promise<boolean> {
    const rows = (await tx.query(
      `INSERT INTO bank_accounts (id, user_id, source, institution_name, holder_name, account_type, routing_number,
         account_number_sealed, account_mask, fingerprint, status, status_reason, vendor_funding_source_id, ownership,
         created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
       ON CONFLICT (user_id, fingerprint) WHERE status <> 'removed' DO NOTHING
       RETURNING id`,
      [
        account.id,
        account.userId,
        account.source,
        account.institutionName,
        account.holderName,
        account.accountType,
        account.routingNumber,
        account.sealedNumber,
        account.accountMask,
        account.fingerprint,
        account.status,
        account.statusReason,
        account.vendorFundingSourceId,
        account.ownership === null ? null : JSON.stringify(account.ownership),
        account.now,
      ],
    )) as Array<{ id: string }>;
    return rows.length === 1;
  }

  async findByFingerprint(userId: string, fingerprint: string): Promise<BankAccount | null> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM bank_accounts WHERE user_id = $1 AND fingerprint = $2 AND status <> 'removed'`,
      [userId, fingerprint],
    )) as Row[];
    return rows[0] ? toAccount(rows[0]) : null;
  }

  async findOwned(userId: string, id: string, tx?: EntityManager, lock = false): Promise<BankAccount | null> {
    if (!UUID.test(id)) return null;
    const rows = (await (tx ?? this.dataSource.manager).query(
      `SELECT * FROM bank_accounts WHERE id = $1 AND user_id = $2 AND status <> 'removed' ${lock ? 'FOR UPDATE' : ''}`,
      [id, userId],
    )) as Row[];
    return rows[0] ? toAccount(rows[0]) : null;
  }

  /** The user's account whatever its status, removed ones too. */
  async findOwnedAnyStatus(userId: string, id: string): Promise<BankAccount | null> {
    if (!UUID.test(id)) return null;
    const rows = (await this.dataSource.query(`SELECT * FROM bank_accounts WHERE id = $1 AND user_id = $2`, [
      id,
      userId,
    ])) as Row[];
    return rows[0] ? toAccount(rows[0]) : null;
  }

  async findById(id: string, tx?: EntityManager): Promise<BankAccount | null> {
    const rows = (await (tx ?? this.dataSource.manager).query(`SELECT * FROM bank_accounts WHERE id = $1`, [
      id,
    ])) as Row[];
    return rows[0] ? toAccount(rows[0]) : null;
  }

  async list(userId: string): Promise<BankAccount[]> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM bank_accounts WHERE user_id = $1 AND status <> 'removed' ORDER BY created_at DESC, id DESC`,
      [userId],
    )) as Row[];
    return rows.map(toAccount);
  }

  async setStatus(
    tx: EntityManager,
    id: string,
    status: BankAccountStatus,
    reason: string | null,
    now: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE bank_accounts SET status = $2, status_reason = $3, updated_at = $4 WHERE id = $1`,
      [id, status, reason, now],
    );
  }

  async setMicroDeposits(id: string, availableAt: Date | null, now: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE bank_accounts SET micro_deposits_available_at = $2, updated_at = $3 WHERE id = $1`,
      [id, availableAt, now],
    );
  }

  async setVerifyAttempts(tx: EntityManager, id: string, attempts: number, now: Date): Promise<void> {
    await tx.query(`UPDATE bank_accounts SET verify_attempts = $2, updated_at = $3 WHERE id = $1`, [
      id,
      attempts,
      now,
    ]);
  }
}
