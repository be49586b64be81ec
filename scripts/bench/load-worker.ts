import { randomInt, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec, RecordedRequest, SentTransfer } from './load-types';
import { round, summarize } from './stats';

/**
 * The load generator: autocannon in a worker thread of the benchmark process, so it shares neither the
 * API's process nor the orchestrator's event loop. One worker per load phase; it posts a LoadResult back.
 */
const spec = workerData as LoadSpec;

interface RequestContext {
  user?: number;
  key?: string;
  body?: string;
  to?: string;
}

/** autocannon's client internals used for even pacing (see `pace`). */
interface ClientInternals {
  _doRequest: (...args: unknown[]) => void;
  destroyed: boolean;
}

const latencies: number[] = [];
const statusCounts: Record<string, number> = {};
const recorded: RecordedRequest[] = [];
const transfers: SentTransfer[] = [];
const errorSamples: string[] = [];
const replayCheck = { replayedHeader: 0, missingHeader: 0, not201: 0 };
let replayCursor = 0;

function transferBody(to: string): string {
  return JSON.stringify({ to, amount: spec.transferAmount, currency: 'USDC' });
}

/** What a provider flow posts: a withdrawal to a bank account, or a swap quoted and executed at once. */
const FLOW_BODIES: Partial<Record<LoadSpec['mode'], string>> = {
  withdraw: JSON.stringify({
    amount: spec.transferAmount,
    currency: 'USDC',
    destination: 'GB33BUKB20201555555555',
    speed: 'standard',
  }),
  swap: JSON.stringify({ from: 'USDC', to: 'USDT', amount: spec.transferAmount }),
};

/** A random sender other than `recipient` (an index into `users`). */
function senderOtherThan(recipient: number): number {
  const sender = randomInt(spec.users.length - 1);
  return sender >= recipient ? sender + 1 : sender;
}

function nextRequest(): Required<RequestContext> {
  if (spec.mode === 'replay') {
    const replays = spec.replays ?? [];
    const replay = replays[replayCursor++ % replays.length];
    return { user: replay.user, key: replay.key, body: replay.body, to: '' };
  }
  if (spec.mode === 'realtime') {
    const recipients = spec.recipients ?? [];
    const recipient = recipients[randomInt(recipients.length)];
    const to = spec.users[recipient].id;
    return { user: senderOtherThan(recipient), key: randomUUID(), body: transferBody(to), to };
  }
  const count = spec.users.length;
  const user = randomInt(count);
  const flow = FLOW_BODIES[spec.mode];
  if (flow) return { user, key: randomUUID(), body: flow, to: '' };
  let to: string;
  if (spec.mode === 'hot' && spec.merchant) {
    to = spec.merchant.id;
  } else {
    let other = randomInt(count - 1);
    if (other >= user) other += 1;
    to = spec.users[other].id;
  }
  return { user, key: randomUUID(), body: transferBody(to), to };
}

/** The transfer a realtime 201 answered with; the response time is taken first, before any parsing. */
function keepTransfer(body: string, to: string, respondedAt: number): void {
  try {
    const { transfer } = JSON.parse(body) as { transfer?: { id?: string; completedAt?: string | null } };
    const completedAt = transfer?.completedAt ? Date.parse(transfer.completedAt) : Number.NaN;
    if (transfer?.id && Number.isFinite(completedAt)) {
      transfers.push({ id: transfer.id, to, completedAt, respondedAt });
      return;
    }
  } catch {
    // reported below
  }
  if (errorSamples.length < 5)
    errorSamples.push(`201 without a transfer id/completedAt: ${body.slice(0, 300)}`);
}

/**
 * autocannon's `overallRate` gives each connection a per-second quota that it fires back-to-back at every
 * one-second tick (all connections tick together), which measures bursts at full concurrency rather than a
 * steady half load. This spaces each connection's requests evenly, with a random phase, inside that quota.
 */
function pace(client: autocannon.Client, perConnectionRate: number): void {
  const internals = client as unknown as ClientInternals;
  const original = internals._doRequest.bind(client);
  const interval = 1000 / perConnectionRate;
  let next = performance.now() + Math.random() * interval;
  internals._doRequest = (...args: unknown[]) => {
    if (internals.destroyed) return;
    const now = performance.now();
    const at = Math.max(next, now);
    next = at + interval;
    const fire = () => {
      if (!internals.destroyed) original(...args);
    };
    if (at <= now) fire();
    else setTimeout(fire, at - now);
  };
}

function run(): void {
  const perConnectionRate = spec.overallRate ? spec.overallRate / spec.connections : undefined;
  const instance = autocannon(
    {
      url: spec.baseUrl,
      connections: spec.connections,
      pipelining: 1,
      timeout: spec.timeoutSeconds,
      ...(spec.amount ? { amount: spec.amount } : { duration: spec.durationSeconds }),
      ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
      ...(perConnectionRate ? { setupClient: (client) => pace(client, perConnectionRate) } : {}),
      requests: [
        {
          method: 'POST',
          path: spec.path,
          setupRequest: (request, context) => {
            const next = nextRequest();
            Object.assign(context as RequestContext, next);
            return {
              ...request,
              method: 'POST',
              path: spec.path,
              body: next.body,
              headers: {
                ...request.headers,
                'content-type': 'application/json',
                authorization: `Bearer ${spec.users[next.user].token}`,
                'idempotency-key': next.key,
              },
            };
          },
          onResponse: (status, body, context, headers) => {
            const respondedAt = Date.now();
            statusCounts[status] = (statusCounts[status] ?? 0) + 1;
            const sent = context as RequestContext;
            if (status >= 300 && errorSamples.length < 5)
              errorSamples.push(`${status} ${body.slice(0, 300)}`);
            if (spec.mode === 'replay') {
              const replayed = Object.entries(headers ?? {}).find(
                ([name]) => name.toLowerCase() === 'idempotent-replayed',
              )?.[1];
              if (status !== 201) replayCheck.not201 += 1;
              if (String(replayed) === 'true') replayCheck.replayedHeader += 1;
              else replayCheck.missingHeader += 1;
            } else if (spec.mode === 'realtime') {
              if (status === 201 && sent.to) keepTransfer(body, sent.to, respondedAt);
            } else if (spec.record && status === 201 && sent.key && sent.body && sent.user !== undefined) {
              recorded.push({ user: sent.user, key: sent.key, body: sent.body });
            }
          },
        },
      ],
    },
    (error: unknown, result: autocannon.Result) => {
      if (error) {
        parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
        return;
      }
      const ok2xx = result['2xx'];
      const seconds = result.duration;
      const output: LoadResult = {
        label: spec.label,
        mode: spec.mode,
        connections: spec.connections,
        overallRate: spec.overallRate ?? null,
        seconds,
        responses: latencies.length,
        ok2xx,
        non2xx: result.non2xx,
        statusCounts,
        errors: result.errors,
        timeouts: result.timeouts,
        rps: round(ok2xx / seconds, 1),
        latency: summarize(latencies),
        errorSamples,
        recorded,
        ...(spec.mode === 'realtime' ? { transfers } : {}),
        ...(spec.mode === 'replay' ? { replay: replayCheck } : {}),
      };
      parentPort?.postMessage({ result: output });
    },
  );
  instance.on('response', (_client, _status, _bytes, responseTime) => {
    latencies.push(responseTime);
  });
}

run();
