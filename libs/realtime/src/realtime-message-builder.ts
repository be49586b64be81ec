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
    let balances: UserBalance[] | undefined;
    const messages: RealtimeMessage[] = [];
    for (const event of events) {
      let mapped = realtimeMessagesFor(event, userId, balances ?? []);
      if (balances === undefined && mapped.some((message) => message.event === 'balance.updated')) {
        balances = await this.ledger.balances(this.uow.manager, userId);
        mapped = realtimeMessagesFor(event, userId, balances);
      }
      messages.push(...mapped);
    }
    return messages;
  }
}
