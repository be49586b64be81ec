import { CommandHandler, ICommandHandler, QueryBus } from '@nestjs/cqrs';
import { canonicalTimeZone } from '#monay/kernel';
import { OutboxWriter, UnitOfWork } from '#monay/shared';
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
    private readonly uow: UnitOfWork,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute({ userId, changes }: UpdatePreferencesCommand): Promise<Preferences> {
    await this.access.ensureWallet(userId);
    const timezone = changes.timezone === undefined ? undefined : canonicalTimeZone(changes.timezone);
    // The DTO refused anything else; a caller that skipped it gets a plain error rather than a stored bad zone.
    if (timezone === null) throw new Error(`not an IANA time zone: ${changes.timezone}`);
    const update = { ...changes, ...(timezone !== undefined && { timezone }) };
    if (Object.keys(update).length > 0) {
      await this.uow.run(async (tx) => {
        const previous = await this.wallets.lockTimeZone(tx, userId);
        await this.wallets.updatePreferences(userId, update, tx);
        // Analytics counts the user's days in this zone: it hears of a change through the journal.
        if (timezone !== undefined && previous !== null && previous !== timezone) {
          await this.outbox.append(tx, [
            {
              type: 'TimeZoneChanged',
              aggregateId: userId,
              userIds: [userId],
              payload: { userId, timezone, previous },
            },
          ]);
        }
      });
    }
    return this.queries.execute(new GetPreferencesQuery(userId));
  }
}
