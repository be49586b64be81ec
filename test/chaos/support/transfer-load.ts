import { randomInt, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Money } from '#monay/kernel';
import { onboard, type SeededUser } from '../../../scripts/bench/seed';
import { mapLimit, sleep } from '../../../scripts/bench/stats';
import { call, type Reply } from './http';

export const PATH_SEND = '/api/p2p-transfer/send';

/** A customer of a scenario: onboarded through the API, with what the ledger showed once it was funded. */
export interface ChaosUser extends SeededUser {
  /** Minor USDC units available right after funding: the starting point of the balance audit. */
  startMinor: bigint;
}

export function usdc(minor: bigint): string {
  return Money.of(minor, 'USDC').toDecimalString();
}

export async function balanceMinor(baseUrl: string, user: SeededUser, currency = 'USDC'): Promise<bigint> {
  const reply = await call(baseUrl, 'GET', '/api/wallet/balance', { token: user.token });
  if (!reply.answered || reply.status !== 200) {
    throw new Error(
      `balance of ${user.email}: ${reply.answered ? `${reply.status} ${JSON.stringify(reply.body)}` : reply.error}`,
    );
  }
  const row = (reply.body.balances as Array<{ currency: string; total: string; pending: string }>).find(
    (balance) => balance.currency === currency,
  );
  return row ? Money.parse(row.total, 'USDC').minor : 0n;
}

/**
 * Onboards `amounts.length` customers through the API and funds customer i with `amounts[i]` USDC through
 * `POST /api/consumer/deposit` (an Idempotency-Key each). A deposit that settles later (202) is waited for.
 */
export async function fundedUsers(baseUrl: string, prefix: string, amounts: string[]): Promise<ChaosUser[]> {
  const tag = `${prefix}.${process.pid}.${Date.now()}`;
  const users = await mapLimit(amounts, 4, (_, i) => onboard(baseUrl, `${tag}.${i}@chaos.example.com`));
  return mapLimit(users, 4, async (user, i) => {
    const body = { amount: amounts[i], currency: 'USDC' };
    const headers = { 'Idempotency-Key': randomUUID() };
    let reply: Reply | undefined;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      reply = await call(baseUrl, 'POST', '/api/consumer/deposit', { token: user.token, body, headers });
      if (reply.answered && reply.status < 500) break;
      await sleep(200);
    }
    if (!reply?.answered || (reply.status !== 201 && reply.status !== 202)) {
      throw new Error(
        `deposit for ${user.email}: ${reply?.answered ? `${reply.status} ${JSON.stringify(reply.body)}` : reply?.error}`,
      );
    }
    const deadline = Date.now() + 30_000;
    for (;;) {
      const startMinor = await balanceMinor(baseUrl, user);
      if (startMinor > 0n) return { ...user, startMinor };
      if (Date.now() > deadline) throw new Error(`the deposit of ${user.email} never reached the balance`);
      await sleep(100);
    }
  });
}

/** One client request (one Idempotency-Key, one body), with every attempt made to get it answered. */
export interface TransferRequest {
  index: number;
  key: string;
  sender: ChaosUser;
  recipient: ChaosUser;
  amountMinor: bigint;
  body: { to: string; amount: string; currency: 'USDC' };
  attempts: Reply[];
}

/**
 * An answer the client can act on: a 2xx, or a 4xx other than "still in flight" (409) or "slow down" (429).
 * No answer, 409, 429 and 5xx mean: retry with the same key and body.
 */
export function isFinal(reply: Reply): boolean {
  if (!reply.answered) return false;
  if (reply.status >= 200 && reply.status < 300) return true;
  return reply.status >= 400 && reply.status < 500 && reply.status !== 409 && reply.status !== 429;
}

export function finalReply(request: TransferRequest): Extract<Reply, { answered: true }> | undefined {
  const last = request.attempts.at(-1);
  return last && isFinal(last) && last.answered ? last : undefined;
}

export function transferIdOf(reply: Reply): string | undefined {
  if (!reply.answered) return undefined;
  const id = (reply.body as { transfer?: { id?: unknown } } | null)?.transfer?.id;
  return typeof id === 'string' ? id : undefined;
}

export interface LoadFigures {
  requests: number;
  httpCalls: number;
  acknowledged2xx: number;
  refused4xx: number;
  unanswered: number;
  retriedRequests: number;
  retries: number;
  noAnswer: number;
  status503: number;
  other5xx: number;
  maxAnswerMs: number;
}

/**
 * P2P transfers between random pairs of `users`, each with a fresh Idempotency-Key, sent by `concurrency`
 * client lanes as fast as the API answers. A lane retries a request with the SAME key and body, with a short
 * backoff, until it gets an answer it can act on (see {@link isFinal}) or `giveUpMs` passes; whatever is still
 * unanswered then is left to {@link TransferLoad.retryUnanswered}.
 */
export class TransferLoad {
  readonly requests: TransferRequest[];
  private finished = 0;
  private stopped = false;
  private running = false;

  /**
   * `users[0]` only ever sends (it is never paid), so that a scenario can fund it poorly and see refusals
   * (422 INSUFFICIENT_FUNDS) that must stay refusals through the fault.
   */
  constructor(users: ChaosUser[], count: number, maxAmountMinor = 19_990_000n) {
    const payees = users.slice(1);
    this.requests = Array.from({ length: count }, (_, index) => {
      const sender = users[randomInt(users.length)];
      let recipient = payees[randomInt(payees.length - 1)];
      if (recipient === sender) recipient = payees[payees.length - 1];
      const amountMinor = BigInt(randomInt(1, Number(maxAmountMinor / 10_000n) + 1)) * 10_000n;
      return {
        index,
        key: randomUUID(),
        sender,
        recipient,
        amountMinor,
        body: { to: recipient.id, amount: usdc(amountMinor), currency: 'USDC' as const },
        attempts: [],
      };
    });
  }

  /** Requests that got an answer to act on so far. */
  get finalCount(): number {
    return this.finished;
  }

  /** Until `count` requests have a final answer (or the load has ended): where a scenario injects its fault. */
  async until(count: number): Promise<void> {
    while (this.finished < count && this.running) await sleep(20);
  }

  /** `baseUrl` says where each request (each attempt) goes: one API, or whichever of several is up. */
  async run(options: {
    baseUrl: (request: TransferRequest) => string;
    concurrency: number;
    timeoutMs: number;
    giveUpMs: number;
  }): Promise<void> {
    this.running = true;
    await mapLimit(this.requests, options.concurrency, async (request) => {
      const deadline = performance.now() + options.giveUpMs;
      for (let attempt = 1; !this.stopped; attempt += 1) {
        const reply = await this.send(request, options.baseUrl(request), options.timeoutMs);
        if (isFinal(reply)) {
          this.finished += 1;
          return;
        }
        if (performance.now() > deadline) return;
        await sleep(Math.min(1_000, 50 * attempt));
      }
    });
    this.running = false;
  }

  /** Sends every request without a final answer again, same key and body, until each has one or time runs out. */
  async retryUnanswered(options: {
    baseUrl: (request: TransferRequest) => string;
    concurrency: number;
    timeoutMs: number;
    deadlineMs: number;
  }) {
    const deadline = performance.now() + options.deadlineMs;
    for (let round = 1; ; round += 1) {
      const open = this.requests.filter((request) => !finalReply(request));
      if (open.length === 0 || this.stopped) return;
      if (performance.now() > deadline) return;
      await mapLimit(open, options.concurrency, async (request) => {
        if (isFinal(await this.send(request, options.baseUrl(request), options.timeoutMs)))
          this.finished += 1;
      });
      await sleep(Math.min(1_000, 100 * round));
    }
  }

  /**
   * Sends `count` answered requests once more with their key and body: each must be replayed
   * (`Idempotent-Replayed: true`) with the same status and transfer. Returns the replies, in order.
   */
  async replay(options: { baseUrl: string; count: number; timeoutMs: number }) {
    const answered = this.requests.filter((request) => finalReply(request));
    const sample = answered.filter(
      (_, i) => i % Math.max(1, Math.floor(answered.length / options.count)) === 0,
    );
    return mapLimit(sample.slice(0, options.count), 8, async (request) => {
      const before = finalReply(request);
      const reply = await this.send(request, options.baseUrl, options.timeoutMs);
      return { request, before, reply };
    });
  }

  /** Stops every lane after its current call (a scenario that failed must not leave clients running). */
  stop(): void {
    this.stopped = true;
  }

  /** One line of progress: final answers so far and what the latest calls got. */
  progress(): string {
    const counts: Record<string, number> = {};
    for (const request of this.requests) {
      const last = request.attempts.at(-1);
      if (!last) continue;
      const label = last.answered ? String(last.status) : last.error;
      counts[label] = (counts[label] ?? 0) + 1;
    }
    return `${this.finished}/${this.requests.length} final; latest answers ${JSON.stringify(counts)}`;
  }

  private async send(request: TransferRequest, baseUrl: string, timeoutMs: number): Promise<Reply> {
    const reply = await call(baseUrl, 'POST', PATH_SEND, {
      token: request.sender.token,
      body: request.body,
      headers: { 'Idempotency-Key': request.key },
      timeoutMs,
    });
    request.attempts.push(reply);
    return reply;
  }

  figures(): LoadFigures {
    const attempts = this.requests.flatMap((request) => request.attempts);
    const finals = this.requests.map(finalReply);
    return {
      requests: this.requests.length,
      httpCalls: attempts.length,
      acknowledged2xx: finals.filter((reply) => reply && reply.status < 300).length,
      refused4xx: finals.filter((reply) => reply && reply.status >= 400).length,
      unanswered: finals.filter((reply) => !reply).length,
      retriedRequests: this.requests.filter((request) => request.attempts.length > 1).length,
      retries: attempts.length - this.requests.length,
      noAnswer: attempts.filter((reply) => !reply.answered).length,
      status503: attempts.filter((reply) => reply.status === 503).length,
      other5xx: attempts.filter((reply) => reply.status >= 500 && reply.status !== 503).length,
      maxAnswerMs: Math.round(
        Math.max(0, ...attempts.filter((reply) => reply.answered).map((reply) => reply.ms)),
      ),
    };
  }
}
