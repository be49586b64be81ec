import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { postJson, type SeededUser } from './seed';
import { median, round } from './stats';

export interface BatchResult {
  recipients: number;
  runs: number;
  latenciesMs: number[];
  medianMs: number;
  recipientsPerSecond: number;
  statuses: number[];
  warmupMs: number;
  /** After each measured batch, how long the background (the relay's consumers, the emails) took to catch up. */
  backgroundMs: number[];
}

/**
 * One payer sends `recipients.length` transfers in one POST /api/consumer/batch-transfer (all or nothing,
 * one ledger transaction). One unrecorded warm-up batch, then `runs` measured ones, one at a time. Each batch is
 * sent once the background has caught up with the one before (`quiet`), as the half-peak phase waits for the
 * ladder's: a batch of 1,000 leaves 1,001 events and their notifications behind it, and a batch sent while they are worked
 * off measures them too. How long each took is reported beside the latencies.
 */
export async function runBatches(
  baseUrl: string,
  payer: SeededUser,
  recipients: SeededUser[],
  options: { amount: string; runs: number },
  quiet: () => Promise<number>,
): Promise<BatchResult> {
  const body = {
    recipients: recipients.map((r) => ({ to: r.id, amount: options.amount, currency: 'USDC' })),
  };
  const send = async () => {
    const started = performance.now();
    const response = await postJson(baseUrl, '/api/consumer/batch-transfer', body, {
      Authorization: `Bearer ${payer.token}`,
      'Idempotency-Key': randomUUID(),
    });
    const ms = performance.now() - started;
    if (response.status !== 201) {
      throw new Error(
        `batch-transfer answered ${response.status}: ${JSON.stringify(response.body).slice(0, 500)}`,
      );
    }
    return { ms, status: response.status };
  };
  await quiet();
  const warmup = await send();
  await quiet();
  const latencies: number[] = [];
  const statuses: number[] = [];
  const backgroundMs: number[] = [];
  for (let i = 0; i < options.runs; i += 1) {
    const run = await send();
    latencies.push(round(run.ms));
    statuses.push(run.status);
    backgroundMs.push(await quiet());
  }
  const medianMs = round(median(latencies));
  return {
    recipients: recipients.length,
    runs: options.runs,
    latenciesMs: latencies,
    medianMs,
    recipientsPerSecond: Math.round((recipients.length / medianMs) * 1000),
    statuses,
    warmupMs: round(warmup.ms),
    backgroundMs,
  };
}
