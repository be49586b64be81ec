import { randomUUID } from 'node:crypto';
import { RealtimeClient } from '../../libs/realtime/src/testing/realtime-client';
import type { RealtimeMessage } from '../../libs/realtime/src/realtime-events';
import { sleep } from '../../scripts/bench/stats';
import { audit, type ExpectedMovement } from './support/audit';
import { ChaosSystem } from './support/chaos-system';
import { call } from './support/http';
import { scaled, scaledTimeout } from './support/scale';
import { recordSummary, secondsSince, startProgress } from './support/summary';
import {
  finalReply,
  fundedUsers,
  transferIdOf,
  TransferLoad,
  usdc,
  type ChaosUser,
  type TransferRequest,
} from './support/transfer-load';

const A = 0;
const B = 1;
const RECURRING_AMOUNT_MINOR = 1_110_000n;
/** A relay killed right after its commit takes the socket messages it had not sent yet with it (the client's catch-up has them). */
const KILL_MARGIN_MS = 1_000;

interface Schedule {
  id: string;
  payer: ChaosUser;
  payee: ChaosUser;
  dueAt: Date;
}

/**
 * Production runs several API processes behind a load balancer and several workers, on one PostgreSQL and
 * one Redis. Two of each here, under P2P load sent to both APIs, with recurring transfers falling due during
 * the run; partway through, one API and one worker are SIGKILLed and clients retry what went unanswered, with
 * the same Idempotency-Key, against the API left. The system must behave as one process would:
 * - each recurring occurrence pays once, whichever worker runs it (and after the kill, the survivor does);
 * - each outbox event reaches each consumer once: every event published, every consumer that takes a type has
 *   taken every event of it (no gap; processed_events makes a duplicate impossible, and the portfolio, a sum,
 *   would show one), history lines exactly what each transfer gives;
 * - the workers relay (`OUTBOX_RELAY=worker`, as in production): a socket on API A receives what is committed
 *   through API B, sent to every API through Redis by whichever worker relayed it;
 * - each consumer applies each user's events in journal order, and the socket receives them in that order,
 *   although two relays (one per worker) take batches side by side (a relay leaves an event whose user has an earlier one still
 *   unpublished elsewhere for a later batch: OutboxRelay.lockNext);
 * - the end audit passes: nothing lost, nothing paid twice.
 */
const unavailable = ChaosSystem.unavailableReason({ redis: true });
const describeOrSkip = unavailable ? describe.skip : describe;
if (unavailable)
  process.stderr.write(`\n[chaos] SKIPPED two APIs and two workers scenario: ${unavailable}\n`);

describeOrSkip('chaos: two APIs and two workers behave as one, and losing one of each loses nothing', () => {
  let system: ChaosSystem;
  let users: ChaosUser[];
  let active: TransferLoad | undefined;
  let socket: RealtimeClient | undefined;
  let stopProgress = () => undefined as void;

  beforeAll(async () => {
    // As in production: the workers relay (OUTBOX_RELAY=worker), off the APIs' event loops, and send the APIs
    // what reaches sockets through Redis.
    system = await ChaosSystem.start({
      name: 'scaleout',
      redis: true,
      apis: 2,
      workers: 2,
      env: { OUTBOX_RELAY: 'worker' },
    });
    const amounts = Array.from({ length: scaled(12) }, (_, i) => (i === 0 ? '5.00' : '1000.00'));
    users = await fundedUsers(system.baseUrlOf(A), 'scaleout', amounts);
  }, 180_000);

  afterAll(async () => {
    stopProgress();
    active?.stop();
    socket?.close();
    await system?.close();
  });

  const query = <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    system.pg.query<T>('monay', sql, params);

  async function createSchedule(payer: ChaosUser, payee: ChaosUser, dueAt: Date): Promise<Schedule> {
    const reply = await call(system.baseUrlOf(system.apiAlive(B) ? B : A), 'POST', '/api/recurring/create', {
      token: payer.token,
      headers: { 'Idempotency-Key': randomUUID() },
      body: {
        to: payee.id,
        amount: usdc(RECURRING_AMOUNT_MINOR),
        frequency: 'daily',
        startAt: dueAt.toISOString(),
        maxOccurrences: 1,
      },
    });
    if (!reply.answered || reply.status !== 201)
      throw new Error(`recurring create: ${reply.answered ? JSON.stringify(reply.body) : reply.error}`);
    return { id: reply.body.recurring.id, payer, payee, dueAt };
  }

  /** Everything `user` missed since `since`, as `GET /api/realtime/missed` replays it, page by page. */
  async function missedSince(user: ChaosUser, since: string | null): Promise<RealtimeMessage[]> {
    const messages: RealtimeMessage[] = [];
    let cursor = since;
    for (;;) {
      const reply = await call(
        system.baseUrlOf(A),
        'GET',
        `/api/realtime/missed?limit=100${cursor ? `&since=${cursor}` : ''}`,
        { token: user.token },
      );
      if (!reply.answered || reply.status !== 200)
        throw new Error(`missed events: ${reply.answered ? JSON.stringify(reply.body) : reply.error}`);
      messages.push(...(reply.body.events as RealtimeMessage[]));
      if (!reply.body.hasMore) return messages;
      cursor = reply.body.lastEventId;
    }
  }

  it(
    'pays each recurring occurrence once, feeds each consumer each event once, fans sockets out across APIs, and loses nothing when an API and a worker die',
    async () => {
      const started = Date.now();
      const payees = users.slice(1);
      // The listener is paid by everyone (users[0] aside) and listens on API A only.
      const listener = payees[0];
      socket = await RealtimeClient.connect(system.baseUrlOf(A), listener.token);
      const [latest] = await missedSince(listener, null).then((all) => all.slice(-1));
      const catchUpFrom = latest && 'eventId' in latest.data ? latest.data.eventId : null;

      const load = new TransferLoad(users, scaled(400));
      active = load;
      stopProgress = startProgress('scaleout', () => load.progress());
      // Odd requests go to API B while it lives; every attempt after its death goes to API A.
      const route = (request: TransferRequest) =>
        request.index % 2 === 1 && system.apiAlive(B) ? system.baseUrlOf(B) : system.baseUrlOf(A);

      // Occurrences due early in the load (both workers up), and others created after one worker is killed.
      const schedules: Schedule[] = [];
      const pairs = (n: number, offset: number) =>
        Array.from({ length: n }, (_, i) => [payees[1 + ((offset + i) % (payees.length - 1))], payees[0]]);
      const early = new Date(Date.now() + 3_000);
      for (const [payer, payee] of pairs(scaled(3), 0))
        schedules.push(await createSchedule(payer, payee, early));

      const running = load.run({ baseUrl: route, concurrency: 12, timeoutMs: 15_000, giveUpMs: 60_000 });
      await load.until(Math.floor(load.requests.length * 0.4));
      const killedAt = Date.now();
      await Promise.all([system.killApi(B), system.stopWorker('SIGKILL', 0)]);
      const late = new Date(Date.now() + 3_000);
      for (const [payer, payee] of pairs(scaled(3), scaled(3)))
        schedules.push(await createSchedule(payer, payee, late));
      await running;
      await load.retryUnanswered({ baseUrl: route, concurrency: 8, timeoutMs: 15_000, deadlineMs: 60_000 });
      stopProgress();
      const loadSeconds = secondsSince(started);

      // Every occurrence runs, once, on whichever worker is left.
      const runs = new Map<string, unknown>();
      for (const schedule of schedules) {
        const deadline = Date.now() + 60_000;
        for (;;) {
          const reply = await call(system.baseUrlOf(A), 'GET', `/api/recurring/${schedule.id}`, {
            token: schedule.payer.token,
          });
          const executions = reply.answered ? (reply.body.executions as Array<{ status: string }>) : [];
          if (executions.some((e) => e.status === 'completed') || Date.now() > deadline) {
            runs.set(schedule.id, reply.answered ? reply.body : reply.error);
            break;
          }
          await sleep(250);
        }
      }
      const recurringSeconds = secondsSince(started) - loadSeconds;
      // Every committed event published by the relay left (one loop now, behind the backlog the load built: it is
      // given time as long as it makes progress), then room for a late duplicate to show up.
      let unpublished = Infinity;
      let progressAt = Date.now();
      const drainStarted = Date.now();
      while (unpublished > 0 && Date.now() - progressAt < 15_000 && Date.now() - drainStarted < 120_000) {
        const [{ n }] = await query<{ n: number }>(
          `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`,
        );
        if (n < unpublished) progressAt = Date.now();
        unpublished = n;
        if (unpublished > 0) await sleep(200);
      }
      const drainSeconds = (Date.now() - drainStarted) / 1000;
      await sleep(1_500);

      const executions = await query<{ schedule_id: string; status: string; n: number }>(
        `SELECT schedule_id::text, status, count(*)::int AS n FROM recurring_transfer_executions
          WHERE schedule_id = ANY($1::uuid[]) GROUP BY 1, 2`,
        [schedules.map((s) => s.id)],
      );
      const recurringKeys = await query<{ key: string }>(
        `SELECT key FROM idempotency_keys WHERE key LIKE 'recurring:%' AND response_status = 201`,
      );

      // Each consumer took every event of each type it takes: no gap (and none parked aside).
      const consumerCounts = await query<{ consumer: string; type: string; taken: number; written: number }>(
        `WITH taken AS (
           SELECT p.consumer, o.type, count(*)::int AS taken
             FROM processed_events p JOIN outbox o ON o.event_id = p.event_id GROUP BY 1, 2
         ), written AS (SELECT type, count(*)::int AS written FROM outbox GROUP BY 1)
         SELECT taken.consumer, taken.type, taken.taken, written.written
           FROM taken JOIN written ON written.type = taken.type ORDER BY 1, 2`,
      );
      const gaps = consumerCounts.filter((c) => c.taken !== c.written);
      const [{ n: parked }] = await query<{ n: number }>(
        `SELECT count(*)::int AS n FROM event_consumer_failures`,
      );
      // Each user's events applied in outbox order by each consumer: commit times never go back in sequence.
      const outOfOrder = await query<{
        consumer: string;
        user_id: string;
        sequence: string;
        previous: string;
        types: string;
      }>(
        `SELECT consumer, user_id::text, sequence::text, previous::text, previous_type || ' then ' || type AS types FROM (
           SELECT p.consumer, u.user_id, o.sequence, o.type, pg_xact_commit_timestamp(p.xmin) AS committed,
                  lag(o.sequence) OVER w AS previous, lag(pg_xact_commit_timestamp(p.xmin)) OVER w AS previous_committed,
                  lag(o.type) OVER w AS previous_type
             FROM processed_events p JOIN outbox o ON o.event_id = p.event_id
             CROSS JOIN LATERAL unnest(o.user_ids) AS u(user_id)
           WINDOW w AS (PARTITION BY p.consumer, u.user_id ORDER BY o.sequence)
         ) applied WHERE committed < previous_committed ORDER BY 1, 2, 3`,
      );
      // Applied once: the portfolio (a running sum) equals the ledger for every user and currency (points, PTS,
      // are not money: the portfolio leaves them out).
      const portfolioDrift = await query<{
        user_id: string;
        currency: string;
        portfolio: string;
        ledger: string;
      }>(
        `SELECT coalesce(p.user_id, l.owner_id)::text AS user_id, coalesce(p.currency, l.currency) AS currency,
                coalesce(p.total, 0)::text AS portfolio, coalesce(l.posted, 0)::text AS ledger
           FROM portfolio_balances p
           FULL JOIN (SELECT owner_id, currency, posted FROM ledger_accounts WHERE kind = 'user_wallet' AND currency <> 'PTS') l
             ON l.owner_id = p.user_id AND l.currency = p.currency
          WHERE coalesce(p.total, 0) <> coalesce(l.posted, 0)`,
      );
      // History: a completed transfer is one completed line for each party, a refused one a failed line for its sender.
      const historyProblems = await query<{ id: string; status: string; lines: string }>(
        `SELECT t.id::text, t.status, coalesce(string_agg(a.id || '/' || a.user_id || '/' || a.status, ' ' ORDER BY a.id), '') AS lines
           FROM transfers t LEFT JOIN activity a ON a.reference_id = t.id::text
          WHERE t.sender_user_id = ANY($1::uuid[])
          GROUP BY t.id, t.status, t.sender_user_id, t.recipient_user_id
         HAVING coalesce(string_agg(a.id || '/' || a.user_id || '/' || a.status, ' ' ORDER BY a.id), '') <>
                CASE t.status
                  WHEN 'completed' THEN t.id || ':in/' || t.recipient_user_id || '/completed ' || t.id || ':out/' || t.sender_user_id || '/completed'
                  WHEN 'failed' THEN t.id || ':out/' || t.sender_user_id || '/failed'
                END`,
        [users.map((u) => u.id)],
      );
      const activityLines = await query<{ n: number }>(
        `SELECT count(*)::int AS n FROM activity WHERE user_id = ANY($1::uuid[]) AND type IN ('transfer_in', 'transfer_out')`,
        [users.map((u) => u.id)],
      );

      // The listener's money movements: each reached its socket on API A, wherever it was committed.
      const listenerEvents = await query<{
        event_id: string;
        sequence: string;
        transfer_id: string;
        published_at: Date;
      }>(
        `SELECT event_id::text, sequence::text, payload->>'transferId' AS transfer_id, published_at FROM outbox
          WHERE type = 'FundsTransferred' AND $1::uuid = ANY(user_ids) ORDER BY sequence`,
        [listener.id],
      );
      const onSocket = socket.messages;
      const caughtUp = [...onSocket, ...(await missedSince(listener, catchUpFrom))];
      const delivered = (messages: RealtimeMessage[], eventId: string, transferId: string) =>
        messages.some(
          (m) => m.event === 'transaction.updated' && m.data.eventId === eventId && m.data.id === transferId,
        ) && messages.some((m) => m.event === 'balance.updated' && m.data.eventId === eventId);
      const socketMissed: string[] = [];
      const neverDelivered: string[] = [];
      for (const event of listenerEvents) {
        if (!delivered(caughtUp, event.event_id, event.transfer_id)) neverDelivered.push(event.transfer_id);
        const aroundKill =
          event.published_at.getTime() >= killedAt - KILL_MARGIN_MS &&
          event.published_at.getTime() <= killedAt;
        if (!aroundKill && !delivered(onSocket, event.event_id, event.transfer_id))
          socketMissed.push(event.transfer_id);
      }
      // Committed and answered by API B (not a replay of a cut attempt): the socket on A had it.
      const throughB = load.requests
        .filter((request) => request.sender === listener || request.recipient === listener)
        .map(finalReply)
        .filter((reply) => reply?.status === 201 && !reply.replayed && reply.baseUrl !== system.baseUrl)
        .map((reply) => transferIdOf(reply!)!);
      const throughBOnSocket = throughB.filter((id) =>
        onSocket.some((m) => m.event === 'transaction.updated' && m.data.id === id),
      );
      const sequenceOf = new Map(listenerEvents.map((e) => [e.event_id, BigInt(e.sequence)]));
      // What a client keeps: each event the first time it comes (a batch taken again after its worker died is sent
      // again; clients drop repeats by eventId). Those must come in outbox order.
      const socketEventIds = onSocket.flatMap((m) => (m.event === 'transaction.updated' ? [m.data.eventId] : []));
      const socketSequence = [...new Set(socketEventIds)]
        .map((eventId) => sequenceOf.get(eventId))
        .filter((s): s is bigint => s !== undefined);
      const socketRepeats = socketEventIds.length - new Set(socketEventIds).size;
      const socketOutOfOrder = socketSequence.filter((s, i) => i > 0 && s < socketSequence[i - 1]).length;

      const expected: ExpectedMovement[] = schedules.map((s) => ({
        from: s.payer,
        to: s.payee,
        amountMinor: RECURRING_AMOUNT_MINOR,
      }));
      const report = await audit(system, load.requests, users, expected);
      const figures = load.figures();
      const cut = load.requests.filter((r) => r.attempts.some((a) => !a.answered));
      recordSummary({
        scenario: 'two APIs and two workers, one of each SIGKILLed mid-load',
        seconds: secondsSince(started),
        figures: {
          'load s': Math.round(loadSeconds * 10) / 10,
          'recurring wait s': Math.round(recurringSeconds * 10) / 10,
          'relay drain s': Math.round(drainSeconds * 10) / 10,
          requests: figures.requests,
          'http calls': figures.httpCalls,
          acknowledged: figures.acknowledged2xx,
          refused: figures.refused4xx,
          'answered by B': load.requests.filter((r) =>
            r.attempts.some((a) => a.answered && a.baseUrl !== system.baseUrl),
          ).length,
          'cut by the kill': cut.length,
          retried: figures.retriedRequests,
          'recurring occurrences paid': recurringKeys.length,
          'events checked per consumer': consumerCounts.length,
          'history lines': activityLines[0].n,
          'listener events': listenerEvents.length,
          'on the socket': listenerEvents.length - socketMissed.length,
          'committed through B, on the socket at A': `${throughBOnSocket.length}/${throughB.length}`,
          "events applied out of a user's outbox order": outOfOrder.length,
          'socket messages out of outbox order': socketOutOfOrder,
        'socket repeats (dropped by eventId)': socketRepeats,
          'ledger:verify': report.figures.ledgerVerify,
        },
      });
      const failed = report.problems.length > 0 || gaps.length > 0 || portfolioDrift.length > 0;
      if (failed) process.stderr.write(`\n${system.logs()}\n`);

      // Recurring: each occurrence ran and paid exactly once.
      for (const schedule of schedules) {
        expect(runs.get(schedule.id)).toMatchObject({
          recurring: { status: 'completed', occurrencesRun: 1 },
          executions: [{ status: 'completed' }],
        });
        expect(executions.filter((e) => e.schedule_id === schedule.id)).toEqual([
          { schedule_id: schedule.id, status: 'completed', n: 1 },
        ]);
        expect(recurringKeys.filter((k) => k.key.startsWith(`recurring:${schedule.id}:`))).toHaveLength(1);
      }
      // Consumers: every event, once; the read models agree with the ledger.
      expect(unpublished).toBe(0);
      expect(parked).toBe(0);
      expect(gaps).toEqual([]);
      for (const consumer of ['insights.activity', 'insights.portfolio', 'insights.analytics'])
        expect(consumerCounts.filter((c) => c.consumer === consumer).map((c) => c.type)).toContain(
          'FundsTransferred',
        );
      expect(portfolioDrift).toEqual([]);
      expect(historyProblems).toEqual([]);
      // Order: each consumer applied each user's events in journal order; the socket got them in that order.
      expect(outOfOrder).toEqual([]);
      expect(socketOutOfOrder).toBe(0);
      // Sockets: a socket on A got the transfers committed through B, and every event it could have.
      expect(throughB.length).toBeGreaterThan(0);
      expect(throughBOnSocket).toEqual(throughB);
      expect(socketMissed).toEqual([]);
      expect(neverDelivered).toEqual([]);
      // The kill cut requests in flight; they completed once on the API left; the audit is clean.
      expect(cut.length).toBeGreaterThan(0);
      expect(figures.other5xx).toBe(0);
      expect(figures.unanswered).toBe(0);
      expect(system.apiAlive(A)).toBe(true);
      expect(system.workerAlive(1)).toBe(true);
      expect(report.problems).toEqual([]);
    },
    scaledTimeout(240_000),
  );
});
