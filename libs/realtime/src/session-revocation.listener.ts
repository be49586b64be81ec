import { BeforeApplicationShutdown } from '@nestjs/common';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { PublishedEvent, type DomainEvent } from '#monay/shared';
import { RealtimeGateway } from './realtime.gateway';

/**
 * A revoked session's sockets close at once, on every API replica, not when their token expires. Identity writes
 * `SessionRevoked` to the outbox in the revoking transaction; whichever API process relays it calls
 * {@link RealtimeGateway.closeSession}, and the Socket.IO Redis adapter carries `disconnectSockets` to the other
 * replicas. Identity knows nothing of sockets, realtime nothing of sessions but their id.
 */
@EventsHandler(PublishedEvent)
export class SessionRevocationListener implements IEventHandler<DomainEvent>, BeforeApplicationShutdown {
  private closing = false;

  constructor(private readonly gateway: RealtimeGateway) {}

  handle(event: DomainEvent): void {
    if (this.closing || event.type !== 'SessionRevoked') return;
    this.gateway.closeSession(event.payload.sessionId);
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
  }
}
