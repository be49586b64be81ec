import { assertVoidable, settleHold, type TransactionStatus } from './hold';
import { HoldAmountExceededError, HoldNotPendingError, InvalidHoldAmountError } from './ledger.errors';

const now = new Date('2025-11-21T12:00:00Z');
const hold = (status: TransactionStatus = 'pending', expiresAt: Date | null = null) => ({
  id: 'h1',
  status,
  amount: 30_000_000n,
  currency: 'USDC',
  expiresAt,
});

describe('settleHold', () => {
  it('posts the whole hold by default', () => {
    expect(settleHold(hold(), undefined, now)).toEqual({ post: 30_000_000n, release: 0n });
  });

  it('posts part of the hold and releases the rest', () => {
    expect(settleHold(hold(), 20_000_000n, now)).toEqual({ post: 20_000_000n, release: 10_000_000n });
  });

  it('refuses more than the held amount', () => {
    expect(() => settleHold(hold(), 30_000_001n, now)).toThrow(HoldAmountExceededError);
    // Details reach clients: decimal strings of the currency, never the hold's id or minor units.
    expect(catchError(() => settleHold(hold(), 30_000_001n, now)).details).toEqual({
      currency: 'USDC',
      held: '30.00',
      requested: '30.000001',
    });
  });

  it('refuses zero or a negative amount', () => {
    expect(() => settleHold(hold(), 0n, now)).toThrow(InvalidHoldAmountError);
    expect(() => settleHold(hold(), -1n, now)).toThrow(InvalidHoldAmountError);
  });

  it.each<TransactionStatus>(['posted', 'voided', 'expired'])('refuses a %s hold', (status) => {
    expect(() => settleHold(hold(status), undefined, now)).toThrow(HoldNotPendingError);
  });

  it('refuses a pending hold already past its expiry, as expired', () => {
    const pastDue = hold('pending', new Date(now.getTime() - 1));
    expect(() => settleHold(pastDue, undefined, now)).toThrow(
      expect.objectContaining({ code: 'HOLD_NOT_PENDING', details: { status: 'expired' }, holdId: 'h1' }),
    );
    expect(settleHold(hold('pending', new Date(now.getTime() + 1)), undefined, now).post).toBe(30_000_000n);
  });
});

describe('assertVoidable', () => {
  it('voids only a pending hold', () => {
    expect(() => assertVoidable(hold())).not.toThrow();
    for (const status of ['posted', 'voided', 'expired'] as const) {
      expect(() => assertVoidable(hold(status))).toThrow(HoldNotPendingError);
    }
  });
});

function catchError(run: () => unknown): Error & { details?: unknown } {
  try {
    run();
  } catch (error) {
    return error as Error & { details?: unknown };
  }
  throw new Error('expected an error');
}
