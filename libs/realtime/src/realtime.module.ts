import { Module } from '@nestjs/common';
import { IdentityModule } from '#monay/identity';
import { LedgerModule } from '#monay/ledger';
import { MissedEventsController } from './missed-events.controller';
import { RealtimeEventRepository } from './realtime-event.repository';
import { RealtimeAnnouncer } from './realtime-announcer';
import { RealtimeMessageBuilder } from './realtime-message-builder';
import { RealtimeGateway } from './realtime.gateway';

/**
 * Live events for clients (light context, flat): the `/ws` Socket.IO gateway, fed by this process's
 * {@link RealtimeAnnouncer} (it reads the outbox as events commit), and `GET /api/realtime/missed` to catch up after
 * being offline.
 */
@Module({
  imports: [IdentityModule, LedgerModule],
  controllers: [MissedEventsController],
  providers: [RealtimeGateway, RealtimeAnnouncer, RealtimeMessageBuilder, RealtimeEventRepository],
})
export class RealtimeModule {}
