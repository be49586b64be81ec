import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock, OutboxRelay, OutboxWriter } from '#monay/shared';
import { SessionRevoked, type SessionRevocationReason } from '../../domain/events/security.events';
import { SessionRepository } from '../../infrastructure/session.repository';

/**
 * Ends sessions before their time. Each revoked session gets a `SessionRevoked` event in the same transaction; the
 * realtime context consumes it and closes that session's sockets on every API replica.
 *
 * Why the outbox and not an in-process event: the revocation may commit in any process (an API replica, a worker
 * job), and the sockets live in the API processes. An outbox row exists if and only if the revocation committed,
 * and every API process reads it from the outbox (within its ~50 ms poll, at once here through the nudge) and
 * disconnects its own sockets of the session. An EventBus publish would be lost if the process died between the
 * commit and the publish, and would not leave a worker at all.
 */
@Injectable()
export class SessionRevocations {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly outbox: OutboxWriter,
    private readonly relay: OutboxRelay,
    private readonly clock: Clock,
  ) {}

  /** Revokes in the caller's transaction; call {@link published} after it commits. */
  async revoke(
    tx: EntityManager,
    scope: { userId: string; only?: string[]; except?: string },
    reason: SessionRevocationReason,
  ): Promise<string[]> {
    const now = this.clock.now();
    const revoked = await this.sessions.revoke(tx, scope, reason, now);
    await this.announce(tx, revoked, scope.userId, reason, now);
    return revoked;
  }

  /** The events of sessions revoked by someone else's statement (a reused refresh token). */
  async announce(
    tx: EntityManager,
    sessionIds: string[],
    userId: string,
    reason: SessionRevocationReason,
    now: Date = this.clock.now(),
  ): Promise<void> {
    await this.outbox.append(
      tx,
      sessionIds.map((sessionId) => ({
        type: SessionRevoked,
        aggregateId: sessionId,
        userIds: [userId],
        payload: { sessionId, userId, reason, at: now.toISOString() },
      })),
    );
  }

  /** After the commit: the relay looks now rather than at its next poll, so sockets close at once. */
  published(): void {
    this.relay.nudge();
  }
}
