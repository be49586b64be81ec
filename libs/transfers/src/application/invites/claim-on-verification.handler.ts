import { Logger } from '@nestjs/common';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { PublishedEvent, type DomainEvent } from '#monay/shared';
import { P2pInvites } from './p2p-invites';

/**
 * After the relay commits identity's SecurityEventRecorded for a verified email or phone: money waiting for that
 * address is claimed at once. Best effort (after the commit, in this process); the invites' sweep catches what a
 * process that did not relay the event missed.
 */
@EventsHandler(PublishedEvent)
export class ClaimOnVerificationHandler implements IEventHandler<DomainEvent> {
  private readonly logger = new Logger('ClaimOnVerification');

  constructor(private readonly invites: P2pInvites) {}

  handle(event: DomainEvent): void {
    if (event.type !== 'SecurityEventRecorded') return;
    const { kind, userId } = event.payload;
    if (kind !== 'email_verified' && kind !== 'phone_verified') return;
    this.invites
      .claimFor(userId)
      .catch((error: unknown) => this.logger.warn(`Could not claim invites of ${userId}: ${String(error)}`));
  }
}
