import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ProviderName } from '#monay/shared';
import { STABLECOIN_PROVIDERS, type StablecoinProvider } from '../domain/stablecoin-provider.port';
import { ProviderWalletRepository, type ProviderWallet } from './provider-wallet.repository';

/** The wallets every user gets: Tempo is where their on-chain money lives, Circle the backup. */
export const PROVIDER_WALLET_PLAN: ReadonlyArray<{ provider: ProviderName; isPrimary: boolean }> = [
  { provider: 'tempo', isPrimary: true },
  { provider: 'circle', isPrimary: false },
];

export interface ProviderWalletView {
  provider: ProviderName;
  address: string;
  isPrimary: boolean;
  createdAt: string;
}

/** The idempotency key of a user's wallet at a provider: the same on every retry of the job. */
export function walletKeyOf(userId: string, provider: ProviderName): string {
  return `wallet:${userId}:${provider}`;
}

/** Users' wallets at the providers: opened once per user and provider, read by the other parts. */
@Injectable()
export class ProviderWallets {
  private readonly logger = new Logger('ProviderWallets');

  constructor(
    private readonly repository: ProviderWalletRepository,
    @Inject(STABLECOIN_PROVIDERS) private readonly providers: StablecoinProvider[],
  ) {}

  async list(userId: string): Promise<ProviderWalletView[]> {
    const wallets = await this.repository.listByUser(userId);
    return wallets.map((wallet) => ({
      provider: wallet.provider,
      address: wallet.address,
      isPrimary: wallet.isPrimary,
      createdAt: wallet.createdAt.toISOString(),
    }));
  }

  /** The user's address at `provider`, or null when it has not been opened (yet). */
  async addressOf(userId: string, provider: ProviderName): Promise<string | null> {
    return (await this.repository.find(userId, provider))?.address ?? null;
  }

  /** The user's primary provider wallet, if opened. */
  async primaryOf(userId: string): Promise<ProviderWallet | null> {
    const wallets = await this.repository.listByUser(userId);
    return wallets.find((wallet) => wallet.isPrimary) ?? null;
  }

  /**
   * Opens every planned wallet the user lacks, each through its provider with a stable idempotency key, and
   * records it if absent. Providers are independent: one that fails does not stop the others; the first
   * failure is thrown at the end, so the job is retried and picks up only what is still missing.
   */
  async openFor(userId: string): Promise<ProviderWallet[]> {
    const opened: ProviderWallet[] = [];
    let failure: unknown;
    for (const { provider, isPrimary } of PROVIDER_WALLET_PLAN) {
      try {
        const existing = await this.repository.find(userId, provider);
        if (existing) {
          opened.push(existing);
          continue;
        }
        const adapter = this.providers.find((candidate) => candidate.name === provider);
        if (!adapter) throw new Error(`no ${provider} adapter`);
        const created = await adapter.createWallet({ idempotencyKey: walletKeyOf(userId, provider), userId });
        opened.push(
          await this.repository.insertIfAbsent({
            id: randomUUID(),
            userId,
            provider,
            address: created.address,
            providerWalletId: created.walletId,
            isPrimary,
            createdAt: new Date(),
          }),
        );
      } catch (error) {
        this.logger.warn(`Could not open the ${provider} wallet of user ${userId}: ${String(error)}`);
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
    return opened;
  }
}
