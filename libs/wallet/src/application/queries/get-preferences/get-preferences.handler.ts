import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { Preferences } from '../../commands/update-preferences/update-preferences.command';
import { WalletRepository } from '../../../infrastructure/wallet.repository';
import { WalletAccess } from '../../wallet-access';
import { GetPreferencesQuery } from './get-preferences.query';

@QueryHandler(GetPreferencesQuery)
export class GetPreferencesHandler implements IQueryHandler<GetPreferencesQuery> {
  constructor(
    private readonly access: WalletAccess,
    private readonly wallets: WalletRepository,
  ) {}

  async execute({ userId }: GetPreferencesQuery): Promise<Preferences> {
    await this.access.ensureWallet(userId);
    const stored = await this.wallets.preferences(userId);
    if (!stored) throw new Error(`preferences of ${userId} missing after ensureWallet`);
    return {
      preferredCurrency: stored.preferredCurrency,
      autoBalance: stored.autoBalance,
      autoConvert: stored.autoConvert,
      smartRouting: stored.smartRouting,
      instantNotifications: stored.instantNotifications,
      preferredProvider: stored.preferredProvider,
      timezone: stored.timezone,
    };
  }
}
