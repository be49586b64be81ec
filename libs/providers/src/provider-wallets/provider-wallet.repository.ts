import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ProviderName } from '#monay/shared';

/** A user's wallet at one provider. */
export interface ProviderWallet {
  id: string;
  userId: string;
  provider: ProviderName;
  address: string;
  providerWalletId: string;
  isPrimary: boolean;
  createdAt: Date;
}

interface ProviderWalletRecord {
  id: string;
  user_id: string;
  provider: ProviderName;
  address: string;
  provider_wallet_id: string;
  is_primary: boolean;
  created_at: Date;
}

const COLUMNS = 'id, user_id, provider, address, provider_wallet_id, is_primary, created_at';

function toWallet(record: ProviderWalletRecord): ProviderWallet {
  return {
    id: record.id,
    userId: record.user_id,
    provider: record.provider,
    address: record.address,
    providerWalletId: record.provider_wallet_id,
    isPrimary: record.is_primary,
    createdAt: record.created_at,
  };
}

@Injectable()
export class ProviderWalletRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The user's wallets, primary first, then oldest first. */
  async listByUser(userId: string): Promise<ProviderWallet[]> {
    const records = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM provider_wallets WHERE user_id = $1
        ORDER BY is_primary DESC, created_at, provider`,
      [userId],
    )) as ProviderWalletRecord[];
    return records.map(toWallet);
  }

  async find(userId: string, provider: ProviderName): Promise<ProviderWallet | null> {
    const [record] = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM provider_wallets WHERE user_id = $1 AND provider = $2`,
      [userId, provider],
    )) as ProviderWalletRecord[];
    return record ? toWallet(record) : null;
  }

  /** Inserts unless the user has a wallet at that provider already; answers the stored one. */
  async insertIfAbsent(wallet: ProviderWallet): Promise<ProviderWallet> {
    await this.dataSource.query(
      `INSERT INTO provider_wallets (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (user_id, provider) DO NOTHING`,
      [
        wallet.id,
        wallet.userId,
        wallet.provider,
        wallet.address,
        wallet.providerWalletId,
        wallet.isPrimary,
        wallet.createdAt,
      ],
    );
    const stored = await this.find(wallet.userId, wallet.provider);
    if (!stored) throw new Error(`provider wallet ${wallet.userId}/${wallet.provider} vanished`);
    return stored;
  }
}
