import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Money } from '#monay/kernel';
import type { ProviderName } from '#monay/shared';
import { openTestDataSource, type TestDataSource } from '../../../shared/src/testing';
import { ProviderTimeoutError, ProviderUnavailableError } from '../domain/providers.errors';
import type { StablecoinProvider } from '../domain/stablecoin-provider.port';
import { verifyWebhook } from '../domain/webhook-signature';
import { SETTINGS_CACHE_MS } from './sandbox-control';
import { eventually, openSandbox, type SandboxHarness } from './testing/sandbox-harness';

const usdc = (decimal: string) => Money.parse(decimal, 'USDC');
const address = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;

async function elapsed<T>(work: () => Promise<T>): Promise<{ ms: number; result: PromiseSettledResult<T> }> {
  const started = Date.now();
  const [result] = await Promise.allSettled([work()]);
  return { ms: Date.now() - started, result };
}

function rejection(result: PromiseSettledResult<unknown>): unknown {
  if (result.status !== 'rejected') throw new Error('expected the call to fail');
  return result.reason;
}

describe('sandbox modes and webhooks', () => {
  let db: TestDataSource;
  let sandbox: SandboxHarness;

  beforeAll(async () => {
    db = await openTestDataSource([]);
    sandbox = await openSandbox(db.dataSource);
  });
  afterAll(async () => {
    sandbox.close();
    await db.close();
  });
  afterEach(async () => {
    for (const name of ['tempo', 'circle', 'monay'] as const)
      await sandbox.control.set(name, { mode: 'healthy' });
  });

  const count = async (table: string, provider: ProviderName) => {
    const [{ n }] = (await db.dataSource.query(
      `SELECT count(*)::int AS n FROM ${table} WHERE provider = $1`,
      [provider],
    )) as Array<{ n: number }>;
    return n;
  };
  const recorded = async (provider: ProviderName) => ({
    transactions: await count('sandbox_provider_transactions', provider),
    wallets: await count('sandbox_provider_wallets', provider),
    quotes: await count('sandbox_swap_quotes', provider),
  });
  const everyMutatingCall = (provider: StablecoinProvider, key: string): Array<() => Promise<unknown>> => [
    () => provider.createWallet({ idempotencyKey: key, userId: randomUUID() }),
    () => provider.deposit({ idempotencyKey: key, amount: usdc('10.00'), method: 'bank' }),
    () =>
      provider.withdraw({
        idempotencyKey: key,
        amount: usdc('10.00'),
        destination: 'acct',
        speed: 'instant',
      }),
    () => provider.transferOut({ idempotencyKey: key, amount: usdc('10.00'), to: address(1) }),
    () => provider.quoteSwap({ from: 'USDC', to: 'USDT', amount: usdc('10.00') }),
  ];

  describe('outage', () => {
    it('fails every call fast with PROVIDER_UNAVAILABLE and records nothing', async () => {
      await sandbox.control.set('tempo', { mode: 'outage' });
      const before = await recorded('tempo');
      const key = randomUUID();
      const calls: Array<() => Promise<unknown>> = [
        ...everyMutatingCall(sandbox.tempo, key),
        () =>
          sandbox.tempo.batchTransfer({
            idempotencyKey: key,
            transfers: [{ to: address(2), amount: usdc('1.00') }],
          }),
        () => sandbox.tempo.getTransactionStatus(key),
        () => sandbox.tempo.getBalances(),
        () => sandbox.tempo.health(),
      ];
      for (const call of calls) {
        const { ms, result } = await elapsed(call);
        expect(rejection(result)).toBeInstanceOf(ProviderUnavailableError);
        expect(ms).toBeLessThan(sandbox.config.providers.callTimeoutMs / 2);
      }
      expect(await recorded('tempo')).toEqual(before);
    });

    it('leaves the other providers serving', async () => {
      await sandbox.control.set('tempo', { mode: 'outage' });
      const done = await sandbox.circle.transferOut({
        idempotencyKey: randomUUID(),
        amount: usdc('1.00'),
        to: address(3),
      });
      expect(done.provider).toBe('circle');
    });
  });

  describe('degraded', () => {
    it('with a failure rate of 1 refuses every mutating call before accepting, and records nothing', async () => {
      await sandbox.control.set('monay', { mode: 'degraded', failureRate: 1 });
      const before = await recorded('monay');
      for (const call of everyMutatingCall(sandbox.monay, randomUUID())) {
        expect(rejection((await elapsed(call)).result)).toBeInstanceOf(ProviderUnavailableError);
      }
      expect(await recorded('monay')).toEqual(before);
      // Reads still answer, slower.
      expect((await sandbox.monay.getBalances()).length).toBe(2);
      expect(await sandbox.monay.health()).toMatchObject({
        ok: true,
        detail: expect.stringContaining('degraded'),
      });
    });

    it('answers after the added latency (× scale) when it does accept', async () => {
      const settings = await sandbox.control.set('tempo', { mode: 'degraded', failureRate: 0 });
      expect(settings).toMatchObject({ mode: 'degraded', failureRate: 0, addedLatencyMs: 400 });
      const { ms, result } = await elapsed(() =>
        sandbox.tempo.transferOut({ idempotencyKey: randomUUID(), amount: usdc('1.00'), to: address(4) }),
      );
      expect(result.status).toBe('fulfilled');
      expect(ms).toBeGreaterThanOrEqual(400 * 0.05);
    });

    it('defaults to refusing about 30 % of calls', async () => {
      const settings = await sandbox.control.set('tempo', { mode: 'degraded', addedLatencyMs: 0 });
      expect(settings.failureRate).toBe(0.3);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 120 }, () =>
          sandbox.tempo.transferOut({ idempotencyKey: randomUUID(), amount: usdc('0.01'), to: address(5) }),
        ),
      );
      const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
      for (const outcome of refused) expect(rejection(outcome)).toBeInstanceOf(ProviderUnavailableError);
      expect(refused.length).toBeGreaterThan(12); // 30 % of 120 is 36; far below would be a broken rate
      expect(refused.length).toBeLessThan(72);
    });
  });

  describe('timeout', () => {
    it('records the transaction and completes it, but the caller hears PROVIDER_TIMEOUT after the call timeout', async () => {
      await sandbox.control.set('circle', { mode: 'timeout' });
      const timeoutMs = sandbox.config.providers.callTimeoutMs;
      const key = randomUUID();
      const { ms, result } = await elapsed(() =>
        sandbox.circle.transferOut({ idempotencyKey: key, amount: usdc('8.00'), to: address(6) }),
      );
      expect(rejection(result)).toBeInstanceOf(ProviderTimeoutError);
      expect(ms).toBeGreaterThanOrEqual(timeoutMs - 5);
      // Reads still answer: the provider has it, and it completes.
      const found = await sandbox.circle.getTransactionStatus(key);
      expect(found).toMatchObject({ idempotencyKey: key, amount: 8_000_000n });
      const done = await eventually('the timed-out transfer to complete', async () => {
        const transaction = await sandbox.circle.getTransactionStatus(key);
        return transaction?.status === 'completed' ? transaction : undefined;
      });
      expect(done.providerTransactionId).toBe(found!.providerTransactionId);
      expect(Array.isArray(await sandbox.circle.getBalances())).toBe(true);
      // A retry with the same key times out too, and still moves nothing twice; once healthy it answers.
      expect(
        rejection(
          (
            await elapsed(() =>
              sandbox.circle.transferOut({ idempotencyKey: key, amount: usdc('8.00'), to: address(6) }),
            )
          ).result,
        ),
      ).toBeInstanceOf(ProviderTimeoutError);
      await sandbox.control.set('circle', { mode: 'healthy' });
      const replay = await sandbox.circle.transferOut({
        idempotencyKey: key,
        amount: usdc('8.00'),
        to: address(6),
      });
      expect(replay.providerTransactionId).toBe(done.providerTransactionId);
      const [{ n }] = (await db.dataSource.query(
        `SELECT count(*)::int AS n FROM sandbox_provider_transactions WHERE provider = 'circle' AND idempotency_key = $1`,
        [key],
      )) as Array<{ n: number }>;
      expect(n).toBe(1);
    });

    it('with a late write: the caller times out, a status query right after finds nothing, then it lands once', async () => {
      await sandbox.control.set('tempo', { mode: 'timeout', late: true, lateByMs: 150 });
      const timeoutMs = sandbox.config.providers.callTimeoutMs;
      const key = randomUUID();
      const send = () =>
        sandbox.tempo.withdraw({
          idempotencyKey: key,
          amount: usdc('3.00'),
          destination: 'acct',
          speed: 'instant',
        });
      const { ms, result } = await elapsed(send);
      expect(rejection(result)).toBeInstanceOf(ProviderTimeoutError);
      expect(ms).toBeGreaterThanOrEqual(timeoutMs - 5);
      // Not there yet: "not found" right after a timeout is not a definite answer.
      expect(await sandbox.tempo.getTransactionStatus(key)).toBeNull();
      // A re-submission with the same key (still late) and the first write both land: one transaction.
      expect(rejection((await elapsed(send)).result)).toBeInstanceOf(ProviderTimeoutError);
      const landed = await eventually(
        'the late write to land',
        async () => (await sandbox.tempo.getTransactionStatus(key)) ?? undefined,
      );
      expect(landed).toMatchObject({ idempotencyKey: key, amount: 3_000_000n, operation: 'withdraw' });
      await new Promise((resolve) => setTimeout(resolve, timeoutMs + 300));
      const [{ n }] = (await db.dataSource.query(
        `SELECT count(*)::int AS n FROM sandbox_provider_transactions WHERE provider = 'tempo' AND idempotency_key = $1`,
        [key],
      )) as Array<{ n: number }>;
      expect(n).toBe(1);
    });

    it('starts in timeout mode with a late write when configured PROVIDER_MODE_<NAME>=timeout-late', async () => {
      const other = await openSandbox(db.dataSource, { PROVIDER_MODE_MONAY: 'timeout-late' });
      try {
        expect(await other.control.settingsOf('monay')).toMatchObject({ mode: 'timeout', late: true });
      } finally {
        other.close();
        // Back to this harness's configuration for the tests after.
        await sandbox.control.applyConfiguredModes();
      }
    });

    it('times out health checks', async () => {
      await sandbox.control.set('monay', { mode: 'timeout' });
      const { ms, result } = await elapsed(() => sandbox.monay.health());
      expect(rejection(result)).toBeInstanceOf(ProviderTimeoutError);
      expect(ms).toBeGreaterThanOrEqual(sandbox.config.providers.callTimeoutMs - 5);
    });
  });

  describe('settings shared by processes', () => {
    it('a change is seen at once by the process that made it and within the cache time by another', async () => {
      const other = await openSandbox(db.dataSource);
      try {
        expect((await other.control.settingsOf('circle')).mode).toBe('healthy');
        await sandbox.control.set('circle', { mode: 'outage' });
        await expect(
          sandbox.circle.deposit({ idempotencyKey: randomUUID(), amount: usdc('1.00'), method: 'bank' }),
        ).rejects.toBeInstanceOf(ProviderUnavailableError);
        await new Promise((resolve) => setTimeout(resolve, SETTINGS_CACHE_MS + 20));
        expect((await other.control.settingsOf('circle')).mode).toBe('outage');
        await expect(other.circle.getBalances()).rejects.toBeInstanceOf(ProviderUnavailableError);
      } finally {
        other.close();
      }
    });

    it('a process starting with the same configuration keeps an admin change; another start mode replaces it', async () => {
      await sandbox.control.set('monay', { mode: 'degraded', failureRate: 0.5 });
      const sameConfig = await openSandbox(db.dataSource);
      expect(await sameConfig.control.settingsOf('monay')).toMatchObject({
        mode: 'degraded',
        failureRate: 0.5,
      });
      const reconfigured = await openSandbox(db.dataSource, { PROVIDER_MODE_MONAY: 'outage' });
      expect(await reconfigured.control.settingsOf('monay')).toMatchObject({
        mode: 'outage',
        failureRate: 0,
      });
      // Back to the file's configuration.
      const restored = await openSandbox(db.dataSource);
      expect((await restored.control.settingsOf('monay')).mode).toBe('healthy');
      for (const harness of [sameConfig, reconfigured, restored]) harness.close();
      sandbox.control.invalidate();
    });
  });

  describe('webhooks', () => {
    interface Received {
      path: string;
      headers: IncomingHttpHeaders;
      body: string;
    }
    let server: Server;
    let url: string;
    const received: Received[] = [];
    let failNext = 0;

    beforeAll(async () => {
      server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          received.push({
            path: request.url ?? '',
            headers: request.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
          if (failNext > 0) {
            failNext -= 1;
            response.writeHead(500).end();
          } else {
            response.writeHead(200).end('{}');
          }
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const deliveriesOf = (key: string) =>
      received.filter(
        (delivery) =>
          (JSON.parse(delivery.body) as { data: { idempotencyKey: string } }).data.idempotencyKey === key,
      );

    it('sends one signed transaction.updated per settled transaction, even with two processes reading it', async () => {
      const first = await openSandbox(db.dataSource, { PROVIDER_WEBHOOK_URL: url });
      const second = await openSandbox(db.dataSource, { PROVIDER_WEBHOOK_URL: url });
      try {
        const key = randomUUID();
        const accepted = await first.tempo.transferOut({
          idempotencyKey: key,
          amount: usdc('2.00'),
          to: address(7),
        });
        const [delivery] = await eventually('the webhook', async () => {
          await Promise.all([first.tempo.getTransactionStatus(key), second.tempo.getTransactionStatus(key)]);
          const deliveries = deliveriesOf(key);
          return deliveries.length > 0 ? deliveries : undefined;
        });
        expect(delivery.path).toBe('/api/webhooks/providers/tempo');
        expect(delivery.headers['content-type']).toBe('application/json');
        const secret = first.config.providers.webhookSecrets.tempo;
        const signature = delivery.headers['webhook-signature'] as string;
        expect(verifyWebhook(secret, delivery.body, signature, Math.floor(Date.now() / 1000))).toBe(true);
        expect(
          verifyWebhook(
            first.config.providers.webhookSecrets.circle,
            delivery.body,
            signature,
            Math.floor(Date.now() / 1000),
          ),
        ).toBe(false);
        const body = JSON.parse(delivery.body);
        expect(body).toEqual({
          id: delivery.headers['webhook-id'],
          type: 'transaction.updated',
          provider: 'tempo',
          createdAt: expect.any(String),
          data: {
            idempotencyKey: key,
            providerTransactionId: accepted.providerTransactionId,
            status: 'completed',
            providerStatus: 'finalized',
          },
        });
        for (let i = 0; i < 5; i += 1) {
          await Promise.all([
            first.tempo.getTransactionStatus(key),
            second.tempo.getTransactionStatus(key),
            second.tempo.getBalances(),
          ]);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(deliveriesOf(key)).toHaveLength(1);
      } finally {
        first.close();
        second.close();
      }
    });

    it('tells a failure with its reason, on its own timer, without anyone reading', async () => {
      const harness = await openSandbox(db.dataSource, { PROVIDER_WEBHOOK_URL: url });
      try {
        await harness.control.set('monay', { mode: 'healthy', failAfterAcceptRate: 1 });
        const key = randomUUID();
        await harness.monay.withdraw({
          idempotencyKey: key,
          amount: usdc('30.00'),
          destination: 'acct_7',
          speed: 'standard',
        });
        const [delivery] = await eventually('the failure webhook', async () => {
          const deliveries = deliveriesOf(key);
          return deliveries.length > 0 ? deliveries : undefined;
        });
        expect(JSON.parse(delivery.body).data).toMatchObject({
          idempotencyKey: key,
          status: 'failed',
          providerStatus: 'failed',
          failureReason: expect.any(String),
        });
      } finally {
        await harness.control.set('monay', { mode: 'healthy' });
        harness.close();
        sandbox.control.invalidate();
      }
    });

    it('retries a delivery that failed, with the same Webhook-Id', async () => {
      const harness = await openSandbox(db.dataSource, { PROVIDER_WEBHOOK_URL: url });
      try {
        failNext = 1;
        const key = randomUUID();
        await harness.tempo.deposit({ idempotencyKey: key, amount: usdc('50.00'), method: 'card' });
        const deliveries = await eventually('the retried webhook', async () => {
          const found = deliveriesOf(key);
          return found.length >= 2 ? found : undefined;
        });
        expect(deliveries).toHaveLength(2);
        expect(deliveries[1].headers['webhook-id']).toBe(deliveries[0].headers['webhook-id']);
        expect(deliveries[1].body).toBe(deliveries[0].body);
      } finally {
        harness.close();
      }
    });

    it('sends nothing when no target is known (a worker, a test app that never listens)', async () => {
      const key = randomUUID();
      await sandbox.tempo.transferOut({ idempotencyKey: key, amount: usdc('1.00'), to: address(8) });
      await eventually('the transfer to complete', async () =>
        (await sandbox.tempo.getTransactionStatus(key))?.status === 'completed' ? true : undefined,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(deliveriesOf(key)).toHaveLength(0);
      const [{ notified_at }] = (await db.dataSource.query(
        `SELECT notified_at FROM sandbox_provider_transactions WHERE provider = 'tempo' AND idempotency_key = $1`,
        [key],
      )) as Array<{ notified_at: Date | null }>;
      expect(notified_at).toBeNull();
    });
  });
});
