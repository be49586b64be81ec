import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '#monay/shared';
import { createApp } from '../../apps/api/src/create-app';
import { TempoDepositWatchProcessor } from '../../libs/providers/src/chain/tempo-deposit-watch.processor';
import { deployDevContracts, payFromOutside, startAnvil } from './dev-chain';

/**
 * `npm run bench:chain`: on-chain withdrawal throughput and confirmation latency on the dev chain. For each block
 * mode (automine: a block per transaction; then interval mining, a block every second), anvil is started, the
 * contracts deployed, the built API booted in on-chain mode on an embedded database, one customer funded by an
 * on-chain deposit, and CHAIN_BENCH_WITHDRAWALS withdrawals of 1.00 sent CHAIN_BENCH_CONCURRENCY at a time over
 * HTTP. Latency is from the request to the withdrawal completed (mined with its confirmations and booked); the
 * 202s are followed until completed. Writes docs/benchmarks/chain-latest.md. A benchmark, never part of CI.
 */
const WITHDRAWALS = Number(process.env.CHAIN_BENCH_WITHDRAWALS ?? 100);
const CONCURRENCY = Number(process.env.CHAIN_BENCH_CONCURRENCY ?? 8);

interface ModeResult {
  mode: string;
  withdrawals: number;
  seconds: number;
  perSecond: number;
  answered202: number;
  p50: number;
  p95: number;
  max: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The few fields of the API's answers the bench reads. */
interface Answer {
  accessToken: string;
  wallets: Array<{ provider: string; address: `0x${string}` }>;
  withdrawal: { id: string; status: string; provider: string | null };
}

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: Answer }> {
  const response = await fetch(url, {
    ...init,
    headers: { 'Content-Type': 'application/json', ...(init.headers as Record<string, string>) },
  });
  return { status: response.status, body: (await response.json()) as Answer };
}

async function runMode(mode: string, blockTime: number | undefined): Promise<ModeResult> {
  const anvil = await startAnvil({ ...(blockTime && { blockTime }) });
  const dataDir = mkdtempSync(join(tmpdir(), 'monay-chain-bench-'));
  const contracts = await deployDevContracts(anvil.url);
  const limits = {
    perTransaction: '999999999.00',
    daily: '999999999.00',
    monthly: '999999999.00',
    maxPerHour: 1e8,
  };
  const app = await createApp(
    loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      PASSWORD_HASH_COST: '10',
      THROTTLE_LIMIT: '100000000',
      AUTH_THROTTLE_LIMIT: '100000000',
      LIMIT_TIERS: JSON.stringify({ '1': limits, '2': limits, '3': limits }),
      JWT_ACCESS_SECRET: randomBytes(32).toString('base64url'),
      REFRESH_TOKEN_SECRET: randomBytes(32).toString('base64url'),
      TOTP_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      TEMPO_RPC_URL: anvil.url,
      TEMPO_CONTRACTS: JSON.stringify(contracts),
      TEMPO_DEPOSIT_POLL_MS: '3600000',
      PROVIDER_CALL_TIMEOUT_MS: '5000',
    }),
  );
  try {
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const registered = await json(`${base}/api/consumer/onboard`, {
      method: 'POST',
      body: JSON.stringify({ email: `bench.${Date.now()}@example.com`, password: 'correct-horse-battery' }),
    });
    const auth = { Authorization: `Bearer ${registered.body.accessToken}` };
    let address: `0x${string}` | undefined;
    while (!address) {
      const wallets = await json(`${base}/api/providers/wallets`, { headers: auth });
      address = wallets.body.wallets.find((wallet) => wallet.provider === 'tempo')?.address;
      if (!address) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await payFromOutside(anvil.url, contracts.tokens.USDC, address, BigInt(WITHDRAWALS + 10) * 2_000_000n);
    const watched = await app.get(TempoDepositWatchProcessor).run();
    if (watched.credited !== 1) throw new Error('the funding deposit was not credited');

    const latencies: number[] = [];
    let answered202 = 0;
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < WITHDRAWALS) {
        next += 1;
        const sent = performance.now();
        const answer = await json(`${base}/api/consumer/withdraw`, {
          method: 'POST',
          headers: { ...auth, 'Idempotency-Key': randomBytes(16).toString('hex') },
          body: JSON.stringify({ amount: '1.00', currency: 'USDC', destination: 'GB33BUKB20201555555555' }),
        });
        if (answer.status === 202) {
          answered202 += 1;
          for (;;) {
            await new Promise((resolve) => setTimeout(resolve, 50));
            const got = await json(`${base}/api/consumer/withdrawals/${answer.body.withdrawal.id}`, {
              headers: auth,
            });
            if (got.body.withdrawal.status === 'completed') break;
            if (got.body.withdrawal.status === 'failed') throw new Error('a withdrawal failed');
          }
        } else if (answer.status !== 201 || answer.body.withdrawal.provider !== 'tempo') {
          throw new Error(`withdrawal answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        }
        latencies.push(performance.now() - sent);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      mode,
      withdrawals: latencies.length,
      seconds: Math.round(seconds * 100) / 100,
      perSecond: Math.round((latencies.length / seconds) * 10) / 10,
      answered202,
      p50: Math.round(percentile(latencies, 50)),
      p95: Math.round(percentile(latencies, 95)),
      max: Math.round(latencies[latencies.length - 1]!),
    };
  } finally {
    await app.close();
    await anvil.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const results = [
    await runMode('automine (a block per transaction)', undefined),
    await runMode('a block every 1 s', 1),
  ];
  const lines = [
    '# On-chain withdrawals on the dev chain',
    '',
    `${new Date().toISOString()}; ${WITHDRAWALS} withdrawals of 1.00 USDC over HTTP, ${CONCURRENCY} at a time, one hot wallet;`,
    `embedded database; load average at the end ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')}. Latency: request to withdrawal completed (mined, 1 confirmation, booked).`,
    '',
    '| blocks | withdrawals | seconds | per second | answered 202 | p50 ms | p95 ms | max ms |',
    '| ------ | ----------: | ------: | ---------: | -----------: | -----: | -----: | -----: |',
    ...results.map(
      (r) =>
        `| ${r.mode} | ${r.withdrawals} | ${r.seconds} | ${r.perSecond} | ${r.answered202} | ${r.p50} | ${r.p95} | ${r.max} |`,
    ),
    '',
  ];
  mkdirSync('docs/benchmarks', { recursive: true });
  writeFileSync('docs/benchmarks/chain-latest.md', lines.join('\n'));
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
