import { Injectable } from '@nestjs/common';
import { LedgerService } from '#monay/ledger';
import { UnitOfWork, type DomainEvent } from '#monay/shared';
import type { RealtimeMessage } from './realtime-events';
import { realtimeMessagesFor, type UserBalance } from './realtime-messages';

/** Turns domain events into one user's socket messages, reading the user's balances only when a message needs them. */
@Injectable()
export class RealtimeMessageBuilder {
  constructor(
    private readonly ledger: LedgerService,
    private readonly uow: UnitOfWork,
  ) {}

  /** `events` oldest first; the balances are read once, now, so every `balance.updated` is the current balance. */
  async build(userId: string, events: readonly DomainEvent[]): Promise<RealtimeMessage[]> {
    return (await this.buildFor(new Map([[userId, events]]))).get(userId) ?? [];
  }

  /**
   * {@link build} for several users (each user's events oldest first) with one read of the balances of every user
   * whose messages carry them: what the relay publishes in one batch costs one query, not one per user.
   */
  async buildFor(
    recipients: ReadonlyMap<string, readonly DomainEvent[]>,
  ): Promise<Map<string, RealtimeMessage[]>> {
    const messagesOf = (userId: string, balances: readonly UserBalance[]) =>
      (recipients.get(userId) ?? []).flatMap((event) => realtimeMessagesFor(event, userId, balances));
    const needBalances = [...recipients.keys()].filter((userId) =>
      messagesOf(userId, []).some((message) => message.event === 'balance.updated'),
    );
    const balances =
      needBalances.length > 0
        ? await this.ledger.balancesOfOwners(this.uow.manager, needBalances)
        : new Map<string, UserBalance[]>();
    return new Map(
      [...recipients.keys()].map((userId) => [
        userId,
        messagesOf(userId, balances.get(userId.toLowerCase()) ?? []),
      ]),
    );
  }
}
