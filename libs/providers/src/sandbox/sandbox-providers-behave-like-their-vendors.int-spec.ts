import { randomUUID } from 'node:crypto';
import { Money, type CurrencyCode } from '#monay/kernel';
import type { ProviderName } from '#monay/shared';
import { openTestDataSource, type TestDataSource } from '../../../shared/src/testing';
import { ProviderRefusedError } from '../domain/providers.errors';
import type { ProviderTransaction, StablecoinProvider } from '../domain/stablecoin-provider.port';
import { eventually, openSandbox, type SandboxHarness } from './testing/sandbox-harness';

const money = (decimal: string, code: CurrencyCode = 'USDC') => Money.parse(decimal, code);
const address = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;

describe('sandbox providers behave like their vendors', () => {
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

  const rowsFor = async (provider: ProviderName, key: string) => {
    const [{ count }] = (await db.dataSource.query(
      `SELECT count(*)::int AS count FROM sandbox_provider_transactions WHERE provider = $1 AND idempotency_key = $2`,
      [provider, key],
    )) as Array<{ count: number }>;
    return count;
  };
  const settled = (provider: StablecoinProvider, key: string) =>
    eventually(`${provider.name} ${key} to settle`, async () => {
      const transaction = await provider.getTransactionStatus(key);
      return transaction && transaction.status !== 'pending' ? transaction : undefined;
    });
  const balanceOf = async (provider: StablecoinProvider, currency: CurrencyCode) =>
    (await provider.getBalances()).find((balance) => balance.currency === currency)?.amount ?? 0n;
  /** The balance once every transaction this file left pending at `provider` has settled. */
  const settledBalanceOf = async (provider: StablecoinProvider, currency: CurrencyCode) => {
    await eventually(`${provider.name}'s pending transactions to settle`, async () => {
      const [{ pending }] = (await db.dataSource.query(
        `SELECT count(*)::int AS pending FROM sandbox_provider_transactions
          WHERE provider = $1 AND status = 'pending' AND settles_at > now()`,
        [provider.name],
      )) as Array<{ pending: number }>;
      return pending === 0 ? true : undefined;
    });
    return balanceOf(provider, currency);
  };

  describe('idempotency keys', () => {
    it('a repeated key answers the same transaction and moves money once', async () => {
      const key = randomUUID();
      const before = await settledBalanceOf(sandbox.tempo, 'USDC');
      const request = { idempotencyKey: key, amount: money('40.00'), to: address(1), memo: 'rent' };
      const first = await sandbox.tempo.transferOut(request);
      const again = await sandbox.tempo.transferOut(request);
      const [third, fourth] = await Promise.all([
        sandbox.tempo.transferOut(request),
        sandbox.tempo.transferOut(request),
      ]);
      for (const replay of [again, third, fourth]) {
        expect(replay.providerTransactionId).toBe(first.providerTransactionId);
        expect(replay.createdAt).toEqual(first.createdAt);
      }
      expect(await rowsFor('tempo', key)).toBe(1);
      await settled(sandbox.tempo, key);
      // −(40.00 + 0.0001), once
      expect((await balanceOf(sandbox.tempo, 'USDC')) - before).toBe(-40_000_100n);
    });

    it('the same key with another amount or destination is refused, and changes nothing', async () => {
      const key = randomUUID();
      const original = await sandbox.circle.transferOut({
        idempotencyKey: key,
        amount: money('5.00'),
        to: address(2),
      });
      await expect(
        sandbox.circle.transferOut({ idempotencyKey: key, amount: money('5.01'), to: address(2) }),
      ).rejects.toThrow(new ProviderRefusedError('circle', 'idempotency key reused'));
      await expect(
        sandbox.circle.transferOut({ idempotencyKey: key, amount: money('5.00'), to: address(3) }),
      ).rejects.toThrow(ProviderRefusedError);
      await expect(
        sandbox.circle.withdraw({
          idempotencyKey: key,
          amount: money('5.00'),
          destination: 'acct_1',
          speed: 'standard',
        }),
      ).rejects.toThrow(ProviderRefusedError);
      const stored = await sandbox.circle.getTransactionStatus(key);
      expect(stored).toMatchObject({
        providerTransactionId: original.providerTransactionId,
        amount: 5_000_000n,
        legs: [{ to: address(2), amount: 5_000_000n, currency: 'USDC' }],
      });
    });

    it('an unknown key has no transaction', async () => {
      expect(await sandbox.monay.getTransactionStatus(randomUUID())).toBeNull();
    });

    it('opens a wallet once per key, at a 0x address', async () => {
      const userId = randomUUID();
      const key = `wallet:${userId}:tempo`;
      const first = await sandbox.tempo.createWallet({ idempotencyKey: key, userId });
      const again = await sandbox.tempo.createWallet({ idempotencyKey: key, userId });
      expect(again).toEqual(first);
      expect(first.address).toMatch(/^0x[0-9a-f]{40}$/);
      expect(first.walletId).toBe(first.address);
      const circle = await sandbox.circle.createWallet({ idempotencyKey: `wallet:${userId}:circle`, userId });
      expect(circle.walletId).toMatch(/^[0-9a-f-]{36}$/);
      expect(circle.address).not.toBe(first.address);
      await expect(sandbox.tempo.createWallet({ idempotencyKey: key, userId: randomUUID() })).rejects.toThrow(
        ProviderRefusedError,
      );
    });
  });

  describe('refusals before anything is accepted', () => {
    it.each([
      ['not hex', 'monay:abcdefghijkmnpqrstuvw'],
      ['39 hex digits', `0x${'a'.repeat(39)}`],
      ['no 0x', 'a'.repeat(42)],
    ])('a transfer out to %s is refused', async (_label, to) => {
      const key = randomUUID();
      for (const provider of [sandbox.tempo, sandbox.circle, sandbox.monay]) {
        await expect(
          provider.transferOut({ idempotencyKey: key, amount: money('1.00'), to }),
        ).rejects.toThrow(ProviderRefusedError);
        expect(await rowsFor(provider.name, key)).toBe(0);
      }
    });

    it('an unsupported currency is refused: Circle has no USDT, Monay no EURC', async () => {
      const key = randomUUID();
      await expect(
        sandbox.circle.deposit({ idempotencyKey: key, amount: money('10.00', 'USDT'), method: 'bank' }),
      ).rejects.toThrow(ProviderRefusedError);
      await expect(
        sandbox.monay.transferOut({ idempotencyKey: key, amount: money('10.00', 'EURC'), to: address(4) }),
      ).rejects.toThrow(ProviderRefusedError);
      await expect(
        sandbox.circle.quoteSwap({ from: 'USDC', to: 'EURC', amount: money('10.00') }),
      ).rejects.toThrow(ProviderRefusedError);
      expect(await rowsFor('circle', key)).toBe(0);
      expect(await rowsFor('monay', key)).toBe(0);
    });

    it('Circle and Monay refuse batches; nothing is recorded', async () => {
      const key = randomUUID();
      const transfers = [
        { to: address(5), amount: money('1.00') },
        { to: address(6), amount: money('2.00') },
      ];
      await expect(sandbox.circle.batchTransfer({ idempotencyKey: key, transfers })).rejects.toThrow(
        new ProviderRefusedError('circle', 'no native batch transfers'),
      );
      await expect(sandbox.monay.batchTransfer({ idempotencyKey: key, transfers })).rejects.toThrow(
        ProviderRefusedError,
      );
      expect(await rowsFor('circle', key)).toBe(0);
      expect(await rowsFor('monay', key)).toBe(0);
    });

    it('Tempo refuses a memo longer than one bytes32, a mixed-currency batch and a deposit below its fee', async () => {
      await expect(
        sandbox.tempo.transferOut({
          idempotencyKey: randomUUID(),
          amount: money('1.00'),
          to: address(7),
          memo: 'x'.repeat(33),
        }),
      ).rejects.toThrow(ProviderRefusedError);
      await expect(
        sandbox.tempo.batchTransfer({
          idempotencyKey: randomUUID(),
          transfers: [
            { to: address(8), amount: money('1.00') },
            { to: address(9), amount: money('1.00', 'USDT') },
          ],
        }),
      ).rejects.toThrow(ProviderRefusedError);
      await expect(
        sandbox.monay.deposit({ idempotencyKey: randomUUID(), amount: money('0.50'), method: 'bank' }),
      ).rejects.toThrow(new ProviderRefusedError('monay', 'the amount does not cover the fee'));
    });
  });

  describe('Tempo', () => {
    it('sends a batch as one transaction with one fee and every leg, memos included', async () => {
      const key = randomUUID();
      const before = await settledBalanceOf(sandbox.tempo, 'PYUSD');
      const accepted = await sandbox.tempo.batchTransfer({
        idempotencyKey: key,
        transfers: [
          { to: address(10), amount: money('10.00', 'PYUSD'), memo: 'payroll 1' },
          { to: address(11), amount: money('20.50', 'PYUSD') },
          { to: address(12), amount: money('0.000001', 'PYUSD'), memo: 'dust' },
        ],
      });
      expect(accepted).toMatchObject({
        provider: 'tempo',
        operation: 'batchTransfer',
        status: 'pending',
        providerStatus: 'submitted',
        currency: 'PYUSD',
        amount: 30_500_001n,
        fee: 100n,
      });
      expect(accepted.providerTransactionId).toMatch(/^0x[0-9a-f]{64}$/);
      expect(accepted.legs).toEqual([
        { to: address(10), amount: 10_000_000n, currency: 'PYUSD', memo: 'payroll 1' },
        { to: address(11), amount: 20_500_000n, currency: 'PYUSD' },
        { to: address(12), amount: 1n, currency: 'PYUSD', memo: 'dust' },
      ]);
      const done = await settled(sandbox.tempo, key);
      expect(done).toMatchObject({ status: 'completed', providerStatus: 'finalized', fee: 100n });
      expect(done.settledAt!.getTime()).toBeGreaterThanOrEqual(done.createdAt.getTime());
      expect((await balanceOf(sandbox.tempo, 'PYUSD')) - before).toBe(-(30_500_001n + 100n));
    });

    it('stores amounts in TIP-20 base units on its wire', async () => {
      const key = randomUUID();
      await sandbox.tempo.transferOut({
        idempotencyKey: key,
        amount: money('12.345678'),
        to: address(13),
        memo: 'm',
      });
      const [{ wire }] = (await db.dataSource.query(
        `SELECT wire FROM sandbox_provider_transactions WHERE provider = 'tempo' AND idempotency_key = $1`,
        [key],
      )) as Array<{ wire: { calls: Array<{ value: string; memo: string }>; fee: string } }>;
      expect(wire.calls[0].value).toBe('12345678');
      expect(wire.calls[0].memo).toMatch(/^0x6d0{62}$/);
      expect(wire.fee).toBe('100');
    });

    it('swaps at a quote: the fee comes off what is sold, the delivery is added, the quote is used once', async () => {
      const usdcBefore = await settledBalanceOf(sandbox.tempo, 'USDC');
      const eurcBefore = await settledBalanceOf(sandbox.tempo, 'EURC');
      const quote = await sandbox.tempo.quoteSwap({ from: 'USDC', to: 'EURC', amount: money('100.00') });
      expect(quote).toMatchObject({
        provider: 'tempo',
        from: 'USDC',
        to: 'EURC',
        amountIn: 100_000_000n,
        rate: '0.92592592',
        fee: 30_000n,
      });
      // (100 − 0.03) × 0.92592592 = 92.564814… → 92.564814
      expect(quote.amountOut).toBe(92_564_814n);
      const key = randomUUID();
      const swap = await sandbox.tempo.executeSwap({ idempotencyKey: key, quote });
      expect(swap).toMatchObject({
        operation: 'swap',
        currency: 'USDC',
        amount: 100_000_000n,
        fee: 30_000n,
        swapOut: { currency: 'EURC', amount: 92_564_814n },
      });
      expect((await sandbox.tempo.executeSwap({ idempotencyKey: key, quote })).providerTransactionId).toBe(
        swap.providerTransactionId,
      );
      await expect(sandbox.tempo.executeSwap({ idempotencyKey: randomUUID(), quote })).rejects.toThrow(
        new ProviderRefusedError('tempo', 'quote already executed'),
      );
      await expect(
        sandbox.tempo.executeSwap({
          idempotencyKey: randomUUID(),
          quote: { ...quote, amountOut: quote.amountOut + 1n },
        }),
      ).rejects.toThrow(ProviderRefusedError);
      await settled(sandbox.tempo, key);
      expect((await balanceOf(sandbox.tempo, 'USDC')) - usdcBefore).toBe(-100_000_000n);
      expect((await balanceOf(sandbox.tempo, 'EURC')) - eurcBefore).toBe(92_564_814n);
    });

    it('refuses an expired quote', async () => {
      const quote = await sandbox.tempo.quoteSwap({
        from: 'USDT',
        to: 'USDC',
        amount: money('10.00', 'USDT'),
      });
      await db.dataSource.query(
        `UPDATE sandbox_swap_quotes SET expires_at = now() - interval '1 second' WHERE id = $1`,
        [quote.providerQuoteId],
      );
      await expect(sandbox.tempo.executeSwap({ idempotencyKey: randomUUID(), quote })).rejects.toThrow(
        new ProviderRefusedError('tempo', 'quote expired'),
      );
    });
  });

  describe('Circle', () => {
    it('passes through INITIATED → QUEUED → SENT → CONFIRMED → COMPLETE, in order', async () => {
      // A slower clock than the other tests, so that every state is seen by polling.
      const slow = await openSandbox(db.dataSource, { PROVIDER_SANDBOX_LATENCY_SCALE: '0.4' });
      try {
        const key = randomUUID();
        const accepted = await slow.circle.transferOut({
          idempotencyKey: key,
          amount: money('3.00', 'EURC'),
          to: address(20),
        });
        expect(accepted).toMatchObject({
          status: 'pending',
          providerStatus: 'INITIATED',
          fee: 20_000n,
          currency: 'EURC',
        });
        expect(accepted.providerTransactionId).toMatch(
          /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        );
        const seen: string[] = [accepted.providerStatus];
        let last: ProviderTransaction | null = accepted;
        while (last?.status === 'pending') {
          last = await slow.circle.getTransactionStatus(key);
          if (last && seen.at(-1) !== last.providerStatus) seen.push(last.providerStatus);
        }
        expect(seen).toEqual(['INITIATED', 'QUEUED', 'SENT', 'CONFIRMED', 'COMPLETE']);
        expect(last).toMatchObject({ status: 'completed', amount: 3_000_000n, fee: 20_000n });
        // 2–3 s at scale 0.4
        expect(last!.settledAt!.getTime() - last!.createdAt.getTime()).toBeGreaterThanOrEqual(800);
        expect(last!.settledAt!.getTime() - last!.createdAt.getTime()).toBeLessThanOrEqual(1_200);
      } finally {
        slow.close();
      }
    });

    it('converts its decimal-string amounts at the edge', async () => {
      const key = randomUUID();
      await sandbox.circle.withdraw({
        idempotencyKey: key,
        amount: money('1234.5'),
        destination: 'wire_acct_9',
        speed: 'standard',
      });
      const [{ wire }] = (await db.dataSource.query(
        `SELECT wire FROM sandbox_provider_transactions WHERE provider = 'circle' AND idempotency_key = $1`,
        [key],
      )) as Array<{ wire: { amount: unknown; fees: unknown } }>;
      expect(wire.amount).toEqual({ amount: '1234.50', currency: 'USD' });
      expect(wire.fees).toEqual({ amount: '1.00', currency: 'USD' });
      expect(await sandbox.circle.getTransactionStatus(key)).toMatchObject({
        amount: 1_234_500_000n,
        fee: 1_000_000n,
      });
    });
  });

  describe('balances', () => {
    it('count completed transactions only: deposits net of fees, money out with fees, failures never', async () => {
      const before = await settledBalanceOf(sandbox.circle, 'EURC');
      const depositKey = randomUUID();
      const withdrawKey = randomUUID();
      await sandbox.circle.deposit({
        idempotencyKey: depositKey,
        amount: money('500.00', 'EURC'),
        method: 'bank',
      });
      await sandbox.circle.withdraw({
        idempotencyKey: withdrawKey,
        amount: money('100.00', 'EURC'),
        destination: 'acct_2',
        speed: 'standard',
      });
      // Both pending: nothing counted yet.
      expect(await balanceOf(sandbox.circle, 'EURC')).toBe(before);

      await sandbox.control.set('circle', { mode: 'healthy', failAfterAcceptRate: 1 });
      const failingKey = randomUUID();
      await sandbox.circle.deposit({
        idempotencyKey: failingKey,
        amount: money('77.00', 'EURC'),
        method: 'card',
      });
      await sandbox.control.set('circle', { mode: 'healthy' });

      expect(await settled(sandbox.circle, depositKey)).toMatchObject({
        status: 'completed',
        providerStatus: 'COMPLETE',
      });
      expect(await settled(sandbox.circle, withdrawKey)).toMatchObject({ status: 'completed' });
      const failed = await settled(sandbox.circle, failingKey);
      expect(failed).toMatchObject({
        status: 'failed',
        providerStatus: 'FAILED',
        failureReason: 'payment_failed',
      });
      // +500.00 (deposit, free) − (100.00 + 1.00) (withdrawal); the failed deposit adds nothing.
      expect((await balanceOf(sandbox.circle, 'EURC')) - before).toBe(399_000_000n);
    });

    it('settles due transactions when balances are read, without anyone asking about them', async () => {
      const before = await settledBalanceOf(sandbox.monay, 'USDT');
      const key = randomUUID();
      await sandbox.monay.deposit({ idempotencyKey: key, amount: money('20.00', 'USDT'), method: 'crypto' });
      const after = await eventually('the Monay deposit to count', async () => {
        const balance = await balanceOf(sandbox.monay, 'USDT');
        return balance !== before ? balance : undefined;
      });
      expect(after - before).toBe(19_500_000n); // 20.00 − 0.50 withheld
      const [{ status }] = (await db.dataSource.query(
        `SELECT status FROM sandbox_provider_transactions WHERE provider = 'monay' AND idempotency_key = $1`,
        [key],
      )) as Array<{ status: string }>;
      expect(status).toBe('completed');
    });

    it('lists every currency the provider supports, zero when untouched', async () => {
      const balances = await sandbox.monay.getBalances();
      expect(balances.map((balance) => balance.currency).sort()).toEqual(['USDC', 'USDT']);
    });
  });

  describe('Monay', () => {
    it('swaps USDC↔USDT at 0.10 % and settles in about 1.5 s (scaled)', async () => {
      const quote = await sandbox.monay.quoteSwap({
        from: 'USDT',
        to: 'USDC',
        amount: money('1000.00', 'USDT'),
      });
      expect(quote).toMatchObject({ fee: 1_000_000n, rate: '1.00000000', amountOut: 999_000_000n });
      const key = randomUUID();
      const accepted = await sandbox.monay.executeSwap({ idempotencyKey: key, quote });
      expect(accepted).toMatchObject({
        providerStatus: 'received',
        swapOut: { currency: 'USDC', amount: 999_000_000n },
      });
      expect(accepted.providerTransactionId).toMatch(/^MNY-[0-9A-F]{20}$/);
      const done = await settled(sandbox.monay, key);
      expect(done.providerStatus).toBe('settled');
      const took = done.settledAt!.getTime() - done.createdAt.getTime();
      expect(took).toBeGreaterThanOrEqual(1_300 * 0.05);
      expect(took).toBeLessThanOrEqual(1_700 * 0.05 + 1);
    });
  });
});
