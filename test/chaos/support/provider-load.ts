import { randomInt, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Money } from '#monay/kernel';
import { mapLimit, sleep } from '../../../scripts/bench/stats';
import { call, type Reply } from './http';
import { usdc, type ChaosUser } from './transfer-load';

export type MovementKind = 'deposit' | 'withdrawal';

/** One client request for money in or out through the providers (one Idempotency-Key, one body). */
export interface MovementRequest {
  index: number;
  phase: string;
  kind: MovementKind;
  key: string;
  user: ChaosUser;
  amountMinor: bigint;
  body: Record<string, string>;
  attempts: Reply[];
  /** Whatever the movement's resource said when last read (GET by id), while it settled. */
  polled: Reply[];
}

const PATHS: Record<MovementKind, string> = {
  deposit: '/api/consumer/deposit',
  withdrawal: '/api/consumer/withdraw',
};
const RESOURCE: Record<MovementKind, string> = { deposit: 'deposits', withdrawal: 'withdrawals' };

/** 201 (completed) and 422 (refused or failed) are final; 202 means "accepted, settling"; the rest means retry. */
export function isSettledAnswer(reply: Reply | undefined): boolean {
  return reply?.answered === true && (reply.status === 201 || reply.status === 422);
}

export function movementOf(request: MovementRequest, reply: Reply | undefined = request.attempts.at(-1)) {
  if (!reply?.answered) return undefined;
  const view = reply.body?.[request.kind] as
    | {
        id: string;
        status: string;
        fee: string | null;
        credited?: string | null;
        debited?: string | null;
        provider: string | null;
      }
    | undefined;
  return view;
}

/**
 * Deposits and withdrawals against the sandbox providers while a scenario switches their modes. A lane sends
 * a request with a fresh key and retries it (same key, same body) while the answer is 503 PROVIDER_UNAVAILABLE,
 * 409, 429, a 5xx or none; a 202 is left to settle ({@link ProviderLoad.settle}).
 */
export class ProviderLoad {
  readonly requests: MovementRequest[] = [];
  private stopped = false;

  /** Stops every lane after its current call (a scenario that failed must not leave clients running). */
  stop(): void {
    this.stopped = true;
  }

  add(phase: string, users: ChaosUser[], count: number): MovementRequest[] {
    const added = Array.from({ length: count }, (_, i) => {
      const kind: MovementKind = i % 2 === 0 ? 'deposit' : 'withdrawal';
      const user = users[randomInt(users.length)];
      const amountMinor = BigInt(randomInt(100, kind === 'deposit' ? 5_000 : 2_000)) * 10_000n;
      const body: Record<string, string> =
        kind === 'deposit'
          ? { amount: usdc(amountMinor), currency: 'USDC', method: 'bank' }
          : {
              amount: usdc(amountMinor),
              currency: 'USDC',
              destination: 'GB33BUKB20201555555555',
              speed: 'standard',
            };
      return {
        index: this.requests.length + i,
        phase,
        kind,
        key: randomUUID(),
        user,
        amountMinor,
        body,
        attempts: [],
        polled: [],
      };
    });
    this.requests.push(...added);
    return added;
  }

  async run(
    requests: MovementRequest[],
    options: { baseUrl: () => string; concurrency: number; giveUpMs: number },
  ) {
    await mapLimit(requests, options.concurrency, async (request) => {
      const deadline = performance.now() + options.giveUpMs;
      for (let attempt = 1; !this.stopped; attempt += 1) {
        const reply = await this.send(request, options.baseUrl());
        if (isSettledAnswer(reply) || (reply.answered && reply.status === 202)) return;
        if (reply.answered && reply.status >= 400 && reply.status < 500 && ![409, 429].includes(reply.status))
          return;
        if (performance.now() > deadline) return;
        await sleep(Math.min(1_000, 50 * attempt));
      }
    });
  }

  /**
   * Until every request has a settled answer: a 202 is followed on its resource (GET by id) until it is
   * completed or failed, then the request is sent again with its key (the stored answer must now be final);
   * one still without an answer it can act on is retried.
   */
  async settle(options: { baseUrl: () => string; deadlineMs: number }): Promise<void> {
    const deadline = performance.now() + options.deadlineMs;
    for (;;) {
      const open = this.requests.filter((request) => !isSettledAnswer(request.attempts.at(-1)));
      if (open.length === 0 || this.stopped || performance.now() > deadline) return;
      await mapLimit(open, 6, async (request) => {
        const last = request.attempts.at(-1);
        const movement = movementOf(request, last);
        if (last?.answered && last.status === 202 && movement) {
          const seen = await call(
            options.baseUrl(),
            'GET',
            `/api/consumer/${RESOURCE[request.kind]}/${movement.id}`,
            {
              token: request.user.token,
            },
          );
          request.polled.push(seen);
          const status = seen.answered
            ? (seen.body?.[request.kind] as { status?: string } | undefined)?.status
            : undefined;
          if (status !== 'completed' && status !== 'failed') return;
        }
        await this.send(request, options.baseUrl());
      });
      await sleep(200);
    }
  }

  private async send(request: MovementRequest, baseUrl: string): Promise<Reply> {
    const reply = await call(baseUrl, 'POST', PATHS[request.kind], {
      token: request.user.token,
      body: request.body,
      headers: { 'Idempotency-Key': request.key },
      timeoutMs: 20_000,
    });
    request.attempts.push(reply);
    return reply;
  }

  figures(requests: MovementRequest[] = this.requests) {
    const attempts = requests.flatMap((request) => request.attempts);
    const finals = requests.map((request) => request.attempts.at(-1));
    return {
      requests: requests.length,
      httpCalls: attempts.length + requests.reduce((sum, request) => sum + request.polled.length, 0),
      completed: finals.filter((reply) => reply?.status === 201).length,
      failedOrRefused: finals.filter((reply) => reply?.status === 422).length,
      answered202: attempts.filter((reply) => reply.status === 202).length,
      unavailable503: attempts.filter((reply) => reply.status === 503).length,
      other5xx: attempts.filter((reply) => reply.status >= 500 && reply.status !== 503).length,
      noAnswer: attempts.filter((reply) => !reply.answered).length,
      retried: requests.filter((request) => request.attempts.length > 1).length,
    };
  }
}

/** `"12.345678"` (USDC) in minor units. */
export function minorOf(decimal: string | null | undefined): bigint {
  return decimal ? Money.parse(decimal, 'USDC').minor : 0n;
}
