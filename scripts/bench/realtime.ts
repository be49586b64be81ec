import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '#monay/realtime';
import { runLoad, type MeasuredLoad, type PostgresScope } from './api-load';
import type { LoadUser, SentTransfer } from './load-types';
import { transferEventsPublishedAt, unpublishedOutboxEvents } from './postgres';
import { mapLimit, round, sleep, summarize, type LatencySummary } from './stats';

/**
 * 5. Realtime: how long after a P2P transfer commits its recipient's socket has `transfer.received`. Sockets
 * for `recipients` users are opened on `/ws` (handshake `auth.token`, as a client does), then the load worker
 * sends transfers to them at a steady rate; each 201's transfer id is matched with the event's `id`.
 *
 * The client cannot see the commit. Two bounds, both on this machine's clock (API, PostgreSQL and the bench
 * share it): from the transfer's `completedAt` (set inside the transaction just before the last statements and
 * the COMMIT, so the latency is overstated by that tail; the headline figure), and from the 201 response's
 * arrival (sent after the COMMIT, so the latency is understated by the response's trip back). Timestamps are
 * whole milliseconds (`completedAt` is an ISO string with milliseconds).
 */
export const SOCKET_P95_TARGET_MS = 50;

const CONNECT_TIMEOUT_MS = 10_000;
const LOOP_RESOLUTION_MS = 5;
const CONNECT_CONCURRENCY = 16;
/** Events from earlier phases still in the outbox would delay this phase's: wait for the relay first. */
const BACKLOG_WAIT_MS = 60_000;
/** After the last response, how long an event may take before it counts as missing. */
export const EVENT_WAIT_MS = 10_000;

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface RealtimeSpec {
  baseUrl: string;
  path: string;
  apiPid: number;
  postgres: PostgresScope;
  users: LoadUser[];
  /** How many of `users` (the first ones) listen and receive; senders are any other user. */
  recipients: number;
  rate: number;
  connections: number;
  durationSeconds: number;
  transferAmount: string;
  timeoutSeconds: number;
}

export interface RealtimeResult {
  recipients: number;
  /** Opening every recipient's socket, handshake included. */
  connectSeconds: number;
  /** Unpublished outbox events when the sockets were up, how long the relay took to clear them, and how many
   * it had not cleared when the load started (non-zero: this phase's events queued behind them). */
  backlogAtStart: number;
  backlogWaitMs: number;
  backlogLeft: number;
  /** The transfer load (HTTP side). */
  load: Omit<MeasuredLoad, 'recorded' | 'transfers'>;
  /** Transfers answered 201, each of which must reach its recipient's socket. */
  transfers: number;
  received: number;
  /** 201 transfers whose `transfer.received` had not arrived `eventWaitMs` after the load ended (must be 0). */
  missing: number;
  missingSample: string[];
  eventWaitMs: number;
  /** The same transfer id received twice (delivery is at least once), or on a socket of another user. */
  duplicates: number;
  wrongRecipient: number;
  /**
   * Events for transfers whose 201 the load generator never kept: requests still in flight when it stopped
   * (at most one per connection, not timed). More than the connections would be events nobody asked for.
   */
  unmatched: number;
  /** Sockets the server closed during the phase. */
  disconnects: number;
  /** Events that reached the socket before the 201 reached the load generator. */
  beforeResponse: number;
  /** Headline: socket arrival − `completedAt` (an upper bound on commit-to-socket). */
  fromCompletedAt: LatencySummary;
  /** Socket arrival − 201 arrival (a lower bound on commit-to-socket). */
  fromResponse: LatencySummary;
  /**
   * `completedAt` → the relay's transaction that took the event (outbox `published_at`): the consumers' path, apart
   * from the sockets' (each API reads the outbox for its own sockets).
   */
  relayPickup: LatencySummary | null;
  /**
   * Event-loop delay of the bench thread that timestamps socket arrivals, sampled by a 5 ms timer (about 5 ms
   * means idle); an arrival's timestamp is late by at most the excess over 5 ms.
   */
  clientLoopDelayP99Ms: number;
  clientLoopDelayMaxMs: number;
  targetP95Ms: number;
  targetMet: boolean | null;
}

interface Arrival {
  at: number;
  user: string;
}

/** One socket per recipient; every `transfer.received` is timestamped the moment its handler runs. */
class RecipientSockets {
  readonly arrivals = new Map<string, Arrival>();
  duplicates = 0;
  disconnects = 0;
  private closing = false;

  private constructor(private readonly sockets: ClientSocket[]) {}

  /** Forgets what arrived so far (the backlog's events, delivered once the sockets were up): only the load counts. */
  forget(): void {
    this.arrivals.clear();
    this.duplicates = 0;
  }

  static async open(baseUrl: string, users: LoadUser[]): Promise<RecipientSockets> {
    const sockets: ClientSocket[] = [];
    const listening = new RecipientSockets(sockets);
    try {
      await mapLimit(users, CONNECT_CONCURRENCY, async (user) => {
        const socket: ClientSocket = io(`${baseUrl}/ws`, {
          auth: { token: user.token },
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
        });
        sockets.push(socket);
        listening.listen(socket, user.id);
        await connected(socket, user.id);
      });
    } catch (error) {
      listening.close();
      throw error;
    }
    return listening;
  }

  private listen(socket: ClientSocket, userId: string): void {
    socket.on('transfer.received', (data) => {
      const at = Date.now();
      if (this.arrivals.has(data.id)) this.duplicates += 1;
      else this.arrivals.set(data.id, { at, user: userId });
    });
    socket.on('disconnect', () => {
      if (!this.closing) this.disconnects += 1;
    });
  }

  /** Resolves once every id has arrived, or after `timeoutMs`; returns how long it waited. */
  async waitFor(ids: string[], timeoutMs: number): Promise<number> {
    const started = Date.now();
    let pending = ids;
    while (Date.now() - started < timeoutMs) {
      pending = pending.filter((id) => !this.arrivals.has(id));
      if (pending.length === 0) break;
      await sleep(20);
    }
    return Date.now() - started;
  }

  close(): void {
    this.closing = true;
    for (const socket of this.sockets) socket.close();
  }
}

function connected(socket: ClientSocket, userId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`socket of ${userId} did not connect within ${CONNECT_TIMEOUT_MS} ms`)),
      CONNECT_TIMEOUT_MS,
    );
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(new Error(`socket of ${userId} refused: ${error.message}`));
    });
  });
}

/** After the backlog is published: how long its socket messages may still take to land before the load starts. */
const BACKLOG_SETTLE_MS = 2_000;

/** Waits (at most BACKLOG_WAIT_MS) until the relay has published everything committed so far. */
async function waitForRelay(
  postgres: PostgresScope,
): Promise<{ backlog: number; left: number; waitedMs: number }> {
  const started = Date.now();
  const backlog = await unpublishedOutboxEvents(postgres.serverUrl, postgres.database);
  let left = backlog;
  while (left > 0 && Date.now() - started < BACKLOG_WAIT_MS) {
    await sleep(100);
    left = await unpublishedOutboxEvents(postgres.serverUrl, postgres.database);
  }
  return { backlog, left, waitedMs: Date.now() - started };
}

function summarizeOrNull(samples: number[]): LatencySummary | null {
  return samples.length > 0 ? summarize(samples) : null;
}

/** Runs the phase: sockets up, outbox drained, the steady transfer load, the wait for the last events. */
export async function runRealtime(
  spec: RealtimeSpec,
  log: (line: string) => void,
): Promise<{ result: RealtimeResult; load: MeasuredLoad }> {
  const count = Math.min(spec.recipients, spec.users.length - 1);
  const connectStarted = Date.now();
  const sockets = await RecipientSockets.open(spec.baseUrl, spec.users.slice(0, count));
  try {
    const connectSeconds = round((Date.now() - connectStarted) / 1000);
    const relay = await waitForRelay(spec.postgres);
    log(
      `  ${count} sockets connected in ${connectSeconds} s; outbox backlog ${relay.backlog} events, ` +
        (relay.left === 0
          ? `cleared in ${relay.waitedMs} ms`
          : `${relay.left} STILL UNPUBLISHED after ${relay.waitedMs} ms (the latency below includes that queue)`),
    );
    // The backlog's last events may still be on their way to the sockets (outbox → API → socket): let them land,
    // then count only what the load sends.
    await sleep(BACKLOG_SETTLE_MS);
    sockets.forget();

    const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    loop.enable();
    const load = await runLoad(
      {
        label: 'realtime',
        baseUrl: spec.baseUrl,
        path: spec.path,
        mode: 'realtime',
        users: spec.users,
        recipients: Array.from({ length: count }, (_, i) => i),
        transferAmount: spec.transferAmount,
        record: false,
        connections: spec.connections,
        overallRate: spec.rate,
        durationSeconds: spec.durationSeconds,
        timeoutSeconds: spec.timeoutSeconds,
      },
      spec.apiPid,
      spec.postgres,
    );
    const sent: SentTransfer[] = load.transfers ?? [];
    await sockets.waitFor(
      sent.map((transfer) => transfer.id),
      EVENT_WAIT_MS,
    );
    loop.disable();
    const publishedAt = await transferEventsPublishedAt(
      spec.postgres.serverUrl,
      spec.postgres.database,
      sent.map((transfer) => transfer.id),
    );

    const fromCompletedAt: number[] = [];
    const fromResponse: number[] = [];
    const relayPickup: number[] = [];
    const missing: string[] = [];
    let wrongRecipient = 0;
    let beforeResponse = 0;
    for (const transfer of sent) {
      const arrival = sockets.arrivals.get(transfer.id);
      if (!arrival) {
        missing.push(transfer.id);
        continue;
      }
      if (arrival.user !== transfer.to) wrongRecipient += 1;
      if (arrival.at < transfer.respondedAt) beforeResponse += 1;
      fromCompletedAt.push(arrival.at - transfer.completedAt);
      fromResponse.push(arrival.at - transfer.respondedAt);
      const published = publishedAt.get(transfer.id);
      if (published !== undefined) {
        relayPickup.push(published - transfer.completedAt);
      }
    }
    const sentIds = new Set(sent.map((transfer) => transfer.id));
    const unmatched = [...sockets.arrivals.keys()].filter((id) => !sentIds.has(id)).length;
    const headline = summarize(fromCompletedAt);
    const { recorded: _recorded, transfers: _transfers, ...reportedLoad } = load;
    const result: RealtimeResult = {
      recipients: count,
      connectSeconds,
      backlogAtStart: relay.backlog,
      backlogWaitMs: relay.waitedMs,
      backlogLeft: relay.left,
      load: reportedLoad,
      transfers: sent.length,
      received: fromCompletedAt.length,
      missing: missing.length,
      missingSample: missing.slice(0, 5),
      eventWaitMs: EVENT_WAIT_MS,
      duplicates: sockets.duplicates,
      wrongRecipient,
      unmatched,
      disconnects: sockets.disconnects,
      beforeResponse,
      fromCompletedAt: headline,
      fromResponse: summarize(fromResponse),
      relayPickup: summarizeOrNull(relayPickup),
      clientLoopDelayP99Ms: round(loop.percentile(99) / 1e6),
      clientLoopDelayMaxMs: round(loop.max / 1e6),
      targetP95Ms: SOCKET_P95_TARGET_MS,
      targetMet: sent.length === 0 ? null : missing.length === 0 && headline.p95Ms <= SOCKET_P95_TARGET_MS,
    };
    return { result, load };
  } finally {
    sockets.close();
  }
}

/** One line for the log; a missing event is a failure and says so. */
export function describeRealtime(result: RealtimeResult): string {
  const c = result.fromCompletedAt;
  const r = result.fromResponse;
  const failures = [
    result.missing > 0 ? `${result.missing} MISSING after ${result.eventWaitMs} ms (FAILURE)` : '',
    result.wrongRecipient > 0 ? `${result.wrongRecipient} on the wrong socket (FAILURE)` : '',
    result.disconnects > 0 ? `${result.disconnects} sockets disconnected` : '',
    result.duplicates > 0 ? `${result.duplicates} duplicates` : '',
    result.unmatched > result.load.connections
      ? `${result.unmatched} events for transfers never sent (FAILURE)`
      : '',
  ].filter(Boolean);
  return (
    `commit→socket transfer.received, ${result.received}/${result.transfers} events: from completedAt p50 ${c.p50Ms} ` +
    `p95 ${c.p95Ms} p99 ${c.p99Ms} max ${c.maxMs} ms; from the 201 p50 ${r.p50Ms} p95 ${r.p95Ms} ms` +
    (result.relayPickup
      ? `; relay pickup p50 ${result.relayPickup.p50Ms} p95 ${result.relayPickup.p95Ms} ms`
      : '') +
    (failures.length > 0 ? `; ${failures.join(', ')}` : '; none missing')
  );
}
