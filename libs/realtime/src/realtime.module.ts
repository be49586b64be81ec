import { Module } from '@nestjs/common';
import { IdentityModule } from '#monay/identity';
import { LedgerModule } from '#monay/ledger';
import { MissedEventsController } from './missed-events.controller';
import { RealtimeEventRepository } from './realtime-event.repository';
import { RealtimeFanOutSubscriber } from './realtime-fan-out';
import { RealtimeMessageBuilder } from './realtime-message-builder';
import { RealtimeGateway } from './realtime.gateway';
import { RealtimePublisher } from './realtime.publisher';
import { SessionRevocationListener } from './session-revocation.listener';

/**
 * Live events for clients (light context, flat): the `/ws` Socket.IO gateway, fed by the outbox relay, and
 * `GET /api/realtime/missed` to catch up after being offline. See RealtimeIoAdapter for the Redis adapter, and
 * realtime-fan-out.ts for how the events reach the APIs when the workers relay (`OUTBOX_RELAY=worker`).
 */
@Module({
  imports: [IdentityModule, LedgerModule],
  controllers: [MissedEventsController],
  providers: [
    RealtimeGateway,
    RealtimePublisher,
    SessionRevocationListener,
    RealtimeMessageBuilder,
    RealtimeEventRepository,
    RealtimeFanOutSubscriber,
  ],
})
export class RealtimeModule {}
