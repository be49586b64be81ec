import { assertBalanced, netByAccount, type EntryInput } from './journal';
import { UnbalancedTransactionError } from './ledger.errors';

const entry = (accountId: string, amount: bigint, currency = 'USDC'): EntryInput => ({
  accountId,
  currency,
  amount,
});

describe('assertBalanced', () => {
  it('accepts entries that sum to zero in each currency', () => {
    expect(() =>
      assertBalanced([entry('a', -1_500_000n), entry('b', 1_490_000n), entry('fees', 10_000n)]),
    ).not.toThrow();
    expect(() =>
      assertBalanced([
        entry('a', -100n, 'USDC'),
        entry('pool', 100n, 'USDC'),
        entry('pool', -99n, 'EURC'),
        entry('a', 99n, 'EURC'),
      ]),
    ).not.toThrow();
  });

  it('refuses entries that do not sum to zero, naming the currency', () => {
    const attempt = () => assertBalanced([entry('a', -100n), entry('b', 99n)]);
    expect(attempt).toThrow(UnbalancedTransactionError);
    expect(attempt).toThrow('entries in USDC sum to -1, not 0');
  });

  it('refuses a transaction balanced overall but not per currency', () => {
    expect(() => assertBalanced([entry('a', -100n, 'USDC'), entry('b', 100n, 'USDT')])).toThrow(
      UnbalancedTransactionError,
    );
  });

  it('refuses a zero entry, even in a balanced transaction', () => {
    expect(() => assertBalanced([entry('a', -1n), entry('b', 1n), entry('c', 0n)])).toThrow(
      'an entry cannot be zero',
    );
  });

  it('refuses an empty transaction and amounts that are not bigint', () => {
    expect(() => assertBalanced([])).toThrow('a transaction needs entries');
    const floats = [entry('a', -1n), { accountId: 'b', currency: 'USDC', amount: 1 as unknown as bigint }];
    expect(() => assertBalanced(floats)).toThrow('amounts are bigint minor units');
  });

  it('is a domain error with a stable code', () => {
    try {
      assertBalanced([entry('a', -1n)]);
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(UnbalancedTransactionError);
      expect((error as UnbalancedTransactionError).code).toBe('UNBALANCED_TRANSACTION');
      expect((error as UnbalancedTransactionError).kind).toBe('invalid');
    }
  });
});

describe('netByAccount', () => {
  it('nets an account appearing several times and drops zero nets', () => {
    const nets = netByAccount([
      entry('a', -5n),
      entry('b', 3n),
      entry('a', 5n),
      entry('b', 2n),
      entry('c', -5n),
    ]);
    expect([...nets]).toEqual([
      ['b', 5n],
      ['c', -5n],
    ]);
  });
});
