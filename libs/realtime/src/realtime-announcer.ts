import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { OutboxHorizon, OutboxRelay, pause, toPublishedEvent, type DomainEvent } from '#monay/shared';
import { RealtimeMessageBuilder } from './realtime-message-builder';
import { REALTIME_EVENT_TYPES } from './realtime-messages';
import { RealtimeGateway } from './realtime.gateway';

/** Events read per turn. */
const BATCH = 500;

/** How often the outbox is looked at without a nudge (events committed by another process). */
const POLL_MS = 50;

/**
 * Sends committed domain events to this process's sockets, in journal order, as soon as they are committed. Every
 * API process reads the outbox itself, past its own cursor, with an {@link OutboxHorizon} of its own (nothing past
 * an earlier event that may still commit), and sends to its own sockets only: a socket hears of an event committed
 * through any process, once, without Redis between the processes, and without waiting for the relay and its
 * consumers (projections, notifications), which run apart.
 *
 * A commit in this process nudges it at once (through {@link OutboxRelay.nudge}); events committed elsewhere (another
 * API, a worker) are seen at the next poll, {@link POLL_MS} later at most. While the process has no socket it only
 * moves its cursor, one statement a poll, and ignores nudges. Each turn reads the events past the cursor (in the
 * statement of the horizon's look), builds the messages of the users that have a socket here (one balance read for
 * all of them), sends them, then closes the sockets of revoked sessions. A turn that fails is done again from the
 * same cursor. The cursor lives in memory: a process that starts announces from where the journal stands; a client
 * that was away catches up through `GET /api/realtime/missed`.
 */
@Injectable()
export class RealtimeAnnouncer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RealtimeAnnouncer');
  private readonly horizon: OutboxHorizon;
  /** The last sequence announced (or passed while nobody listened); unset until the first look. */
  private cursor: bigint | undefined;
  /** One turn at a time (the loop's, or a {@link catchUp}'s). */
  private turns: Promise<unknown> = Promise.resolve();
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private nudged = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly gateway: RealtimeGateway,
    private readonly messages: RealtimeMessageBuilder,
    private readonly relay: OutboxRelay,
  ) {
    this.horizon = new OutboxHorizon(dataSource);
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.relay.onNudge(() => this.nudge());
    this.loop = this.run();
  }

  /** Before the socket server and the database close: the turn under way ends, no other starts. */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Announces everything committed so far (what a caller that must not see it later waits for). */
  async catchUp(): Promise<void> {
    while ((await this.turn()) === BATCH);
  }

  private nudge(): void {
    if (!this.gateway.hasAnySockets()) return;
    this.nudged = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.nudged = false;
      let read = 0;
      try {
        read = await this.turn();
      } catch (error) {
        if (this.running) this.logger.warn(`events not announced yet: ${(error as Error).message}`);
      }
      if (read === BATCH || this.nudged || !this.running) continue;
      await pause(POLL_MS, (end) => (this.wake = end));
      this.wake = undefined;
    }
  }

  private turn(): Promise<number> {
    const turn = this.turns.then(() => this.announceNext());
    this.turns = turn.catch(() => undefined);
    return turn;
  }

  /** One turn: how many events it read (the horizon's look reads them too: one round trip a turn). */
  private async announceNext(): Promise<number> {
    const after = this.gateway.hasAnySockets() ? this.cursor : undefined;
    const { through, rows } = await this.horizon.look(
      after === undefined ? undefined : { after, limit: BATCH },
    );
    if (after === undefined) {
      this.cursor = through;
      return 0;
    }
    // Only up to the watermark: an event past it may have an earlier one still to commit.
    const taken = rows.filter((row) => BigInt(row.sequence) <= through);
    if (taken.length > 0) await this.send(taken.map(toPublishedEvent));
    this.cursor = taken.length === BATCH ? BigInt(taken[taken.length - 1].sequence) : through;
    return taken.length;
  }

  /** `events` in journal order: each user's messages in that order, then the revoked sessions' sockets closed. */
  private async send(events: readonly DomainEvent[]): Promise<void> {
    const recipients = new Map<string, DomainEvent[]>();
    const revokedSessions: string[] = [];
    for (const event of events) {
      if (event.type === 'SessionRevoked') revokedSessions.push(event.payload.sessionId);
      if (!REALTIME_EVENT_TYPES.includes(event.type)) continue;
      for (const userId of new Set(event.userIds)) {
        if (!this.gateway.hasLocalSockets(userId)) continue;
        const own = recipients.get(userId);
        if (own) own.push(event);
        else recipients.set(userId, [event]);
      }
    }
    if (recipients.size > 0) {
      const built = await this.messages.buildFor(recipients);
      for (const [userId, messages] of built)
        for (const message of messages) this.gateway.send(userId, message);
    }
    for (const sessionId of revokedSessions) this.gateway.closeSession(sessionId);
  }
}
