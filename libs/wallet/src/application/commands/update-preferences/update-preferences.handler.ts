import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { WalletRepository } from '../../../infrastructure/wallet.repository';
import { WalletAccess } from '../../wallet-access';
import { Preferences, UpdatePreferencesCommand } from './update-preferences.command';

@CommandHandler(UpdatePreferencesCommand)
export class UpdatePreferencesHandler implements ICommandHandler<UpdatePreferencesCommand> {
  constructor(
    private readonly access: WalletAccess,
    private readonly wallets: WalletRepository,
  ) {}

  async execute({ userId, changes }: UpdatePreferencesCommand): Promise<Preferences> {
    await this.access.ensureWallet(userId);
    if (Object.keys(changes).length > 0) await this.wallets.updatePreferences(userId, changes);
    const stored = await this.wallets.preferences(userId);
    if (!stored) throw new Error(`preferences of ${userId} missing after ensureWallet`);
    return {
      preferredCurrency: stored.preferredCurrency,
      autoBalance: stored.autoBalance,
      smartRouting: stored.smartRouting,
      instantNotifications: stored.instantNotifications,
    };
  }
}
