import type { EntityManager } from 'typeorm';
import type { LedgerService } from '#monay/ledger';
import type { UnitOfWork } from '#monay/shared';
import type { Movement } from '../domain/movement';
import type { ProviderTransaction } from '../domain/stablecoin-provider.port';
import { SwapRoundingError, type SwapTerms } from '../domain/swap';
import { SwapLedger } from './swap-ledger';

const terms: SwapTerms = {
  quoteId: 'q-1',
  provider: 'tempo',
  providerQuoteId: 'tq_1',
  from: 'USDC',
  to: 'EURC',
  amountIn: 100_010_000n,
  rate: '0.92592592',
  fee: 30_003n,
  amountOutProvider: 92_574_071n,
  amountOut: 92_574_070n,
  expiresAt: new Date('2026-01-05T10:00:30.000Z'),
};

const movement = {
  id: 'm-1',
  userId: 'u-1',
  currency: 'USDC',
  amount: terms.amountIn,
  holdId: 'h-1',
} as Movement;

function executed(delivered: { currency: 'EURC' | 'USDT'; amount: bigint } | undefined): ProviderTransaction {
  return {
    provider: 'tempo',
    providerTransactionId: '0xabc',
    idempotencyKey: movement.id,
    operation: 'swap',
    status: 'completed',
    providerStatus: 'finalized',
    currency: 'USDC',
    amount: terms.amountIn,
    fee: terms.fee,
    ...(delivered && { swapOut: delivered }),
    createdAt: new Date(),
  };
}

/** A ledger that records what it is asked to write. */
function recordingLedger() {
  const posted: Array<{ entries: Array<{ accountId: string; currency: string; amount: bigint }> }> = [];
  const holds: Array<{ holdId: string; amount: bigint | undefined }> = [];
  let next = 0;
  const ledger = {
    openUserAccounts: (_tx: unknown, _owner: string, currencies: string[]) =>
      Promise.resolve(currencies.map((currency) => ({ id: `user-${currency}`, currency }))),
    systemAccount: (_tx: unknown, kind: string, currency: string, qualifier = '') =>
      Promise.resolve({ id: `${kind}-${currency}-${qualifier}`, currency }),
    post: (_tx: unknown, input: (typeof posted)[number]) => {
      posted.push(input);
      next += 1;
      return Promise.resolve({ transactionId: `t-${next}` });
    },
    postHold: (_tx: unknown, holdId: string, amount?: bigint) => {
      holds.push({ holdId, amount });
      return Promise.resolve({ holdId, postedAmount: amount ?? 0n, releasedAmount: 0n });
    },
  };
  const uow = { savepoint: (tx: unknown, work: (inner: unknown) => Promise<unknown>) => work(tx) };
  return {
    swapLedger: new SwapLedger(ledger as unknown as LedgerService, uow as unknown as UnitOfWork),
    posted,
    holds,
  };
}

const tx = {} as EntityManager;

describe('the ledger side of a swap', () => {
  it('posts the hold for A and books both currencies in one balanced transaction, the remainder to the pool', async () => {
    const { swapLedger, posted, holds } = recordingLedger();
    const booking = await swapLedger.book(
      tx,
      movement,
      terms,
      executed({ currency: 'EURC', amount: 92_574_071n }),
    );
    expect(holds).toEqual([{ holdId: 'h-1', amount: 100_010_000n }]);
    expect(posted).toHaveLength(1);
    expect(booking.ledgerTransactionId).toBe('t-1');
    expect(posted[0]!.entries).toEqual([
      { accountId: 'suspense-USDC-provider-outbound', currency: 'USDC', amount: -100_010_000n },
      { accountId: 'provider_clearing-USDC-tempo', currency: 'USDC', amount: 100_010_000n },
      { accountId: 'provider_clearing-EURC-tempo', currency: 'EURC', amount: -92_574_071n },
      { accountId: 'user-EURC', currency: 'EURC', amount: 92_574_070n },
      { accountId: 'swap_pool-EURC-', currency: 'EURC', amount: 1n },
    ]);
  });

  it('books no pool entry when the provider delivers exactly the user share', async () => {
    const { swapLedger, posted } = recordingLedger();
    await swapLedger.book(
      tx,
      movement,
      { ...terms, amountOutProvider: terms.amountOut },
      executed({ currency: 'EURC', amount: terms.amountOut }),
    );
    expect(posted[0]!.entries.map((entry) => entry.accountId)).not.toContain('swap_pool-EURC-');
  });

  it('refuses, writing nothing, a delivery more than one unit above the user share, below it, or in another currency', async () => {
    for (const delivered of [
      { currency: 'EURC' as const, amount: 92_574_072n },
      { currency: 'EURC' as const, amount: 92_574_069n },
    ]) {
      const { swapLedger, posted, holds } = recordingLedger();
      await expect(swapLedger.book(tx, movement, terms, executed(delivered))).rejects.toThrow(
        SwapRoundingError,
      );
      expect([posted, holds]).toEqual([[], []]);
    }
    for (const delivered of [{ currency: 'USDT' as const, amount: 92_574_071n }, undefined]) {
      const { swapLedger, posted, holds } = recordingLedger();
      await expect(swapLedger.book(tx, movement, terms, executed(delivered))).rejects.toThrow(
        /no delivery in EURC/,
      );
      expect([posted, holds]).toEqual([[], []]);
    }
  });
});
