import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BigIntTransformer, type ProviderName } from '#monay/shared';
import type { Wallet } from '../domain/wallet';

@Entity('wallets')
export class WalletOrmEntity implements Wallet {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'user_id', unique: true })
  userId!: string;

  @Column('text', { unique: true })
  address!: string;

  @Column('smallint', { name: 'kyc_level' })
  kycLevel!: number;

  /** A user's own lower daily limit in USD cents, or null for the tier's. */
  @Column('bigint', { name: 'daily_limit', nullable: true, transformer: BigIntTransformer })
  dailyLimit!: bigint | null;

  @Column('bigint', { name: 'monthly_limit', nullable: true, transformer: BigIntTransformer })
  monthlyLimit!: bigint | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}

@Entity('consumer_preferences')
export class ConsumerPreferencesOrmEntity {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId!: string;

  @Column('text', { name: 'preferred_currency' })
  preferredCurrency!: string;

  @Column('boolean', { name: 'auto_balance' })
  autoBalance!: boolean;

  /** Money arriving in another stablecoin is swapped to `preferredCurrency` (providers' auto-convert). */
  @Column('boolean', { name: 'auto_convert', default: false })
  autoConvert!: boolean;

  @Column('boolean', { name: 'smart_routing' })
  smartRouting!: boolean;

  @Column('boolean', { name: 'instant_notifications' })
  instantNotifications!: boolean;

  /** tempo | circle | monay, or null (no preference: the router decides). */
  @Column('text', { name: 'preferred_provider', nullable: true })
  preferredProvider!: ProviderName | null;

  /** IANA time zone: the user's days (analytics) are read in it. */
  @Column('text', { name: 'timezone', default: 'UTC' })
  timezone!: string;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
