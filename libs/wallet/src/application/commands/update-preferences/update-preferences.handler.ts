import { CommandHandler, ICommandHandler, QueryBus } from '@nestjs/cqrs';
import { WalletRepository } from '../../../infrastructure/wallet.repository';
import { GetPreferencesQuery } from '../../queries/get-preferences/get-preferences.query';
import { WalletAccess } from '../../wallet-access';
import { Preferences, UpdatePreferencesCommand } from './update-preferences.command';

@CommandHandler(UpdatePreferencesCommand)
export class UpdatePreferencesHandler implements ICommandHandler<UpdatePreferencesCommand> {
  constructor(
    private readonly access: WalletAccess,
    private readonly wallets: WalletRepository,
    private readonly queries: QueryBus,
  ) {}

  async execute({ userId, changes }: UpdatePreferencesCommand): Promise<Preferences> {
    await this.access.ensureWallet(userId);
    if (Object.keys(changes).length > 0) await this.wallets.updatePreferences(userId, changes);
    return this.queries.execute(new GetPreferencesQuery(userId));
  }
}
