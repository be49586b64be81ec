import {
  ambiguityOf,
  expectedArrival,
  isReopenable,
  isSettled,
  isValidDestination,
  maskDestination,
  movementIdOf,
  reportMismatch,
} from './movement';

describe('provider movements (domain rules)', () => {
  it('gives a client request one movement id, from the user, the route and the key: the same for every retry', () => {
    const user = '0b2d3c52-4bb8-4a4e-9f7c-3b0c8a9f4a11';
    const id = movementIdOf(user, 'consumer.withdraw', 'key-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(movementIdOf(user, 'consumer.withdraw', 'key-1')).toBe(id);
    expect(
      new Set([
        id,
        movementIdOf(user, 'consumer.withdraw', 'key-2'),
        movementIdOf(user, 'consumer.deposit', 'key-1'),
        movementIdOf('5f0e2a8e-6a4f-4c1e-8b9a-2d1f0c3e4b5a', 'consumer.withdraw', 'key-1'),
      ]).size,
    ).toBe(4);
  });

  it('reopens only a movement failed PROVIDER_UNAVAILABLE with nothing booked', () => {
    const failed = {
      status: 'failed' as const,
      failureCode: 'PROVIDER_UNAVAILABLE',
      ledgerTransactionId: null,
    };
    expect(isReopenable(failed)).toBe(true);
    expect(isReopenable({ ...failed, failureCode: 'PROVIDER_FAILED' })).toBe(false);
    expect(isReopenable({ ...failed, failureCode: 'INSUFFICIENT_FUNDS' })).toBe(false);
    expect(isReopenable({ ...failed, ledgerTransactionId: 'tx' })).toBe(false);
    expect(isReopenable({ ...failed, status: 'completed' as const })).toBe(false);
  });

  it('calls a movement ambiguous while the provider it is recorded at has never answered for it', () => {
    const updatedAt = new Date('2026-01-01T00:00:00Z');
    const since = '2026-01-01T00:00:05.000Z';
    const base = {
      status: 'processing' as const,
      provider: 'tempo' as const,
      providerTransactionId: null,
      metadata: { ambiguous: { provider: 'tempo', since } },
      updatedAt,
    };
    expect(ambiguityOf(base)).toEqual({ provider: 'tempo', since: new Date(since) });
    expect(ambiguityOf({ ...base, metadata: {} })).toEqual({ provider: 'tempo', since: updatedAt });
    expect(ambiguityOf({ ...base, providerTransactionId: '0xabc' })).toBeNull();
    expect(ambiguityOf({ ...base, status: 'completed' as const })).toBeNull();
  });

  it('accepts 4 to 64 visible characters as a destination, nothing else', () => {
    expect(isValidDestination('GB33BUKB20201555555555')).toBe(true);
    expect(isValidDestination('card_4242')).toBe(true);
    expect(isValidDestination('abcd')).toBe(true);
    expect(isValidDestination('abc')).toBe(false);
    expect(isValidDestination('a'.repeat(64))).toBe(true);
    expect(isValidDestination('a'.repeat(65))).toBe(false);
    expect(isValidDestination('GB33 BUKB 2020')).toBe(false);
    expect(isValidDestination('abcd\n')).toBe(false);
    expect(isValidDestination('àbcdé')).toBe(false);
  });

  it('shows only the last four characters of a destination', () => {
    expect(maskDestination('GB33BUKB20201555555555')).toBe('****5555');
    expect(maskDestination('card_4242')).toBe('****4242');
  });

  it('expects a standard withdrawal one to three days after it was asked, an instant one when it settles', () => {
    const created = new Date('2026-01-05T10:00:00.000Z');
    const settled = new Date('2026-01-05T10:00:02.500Z');
    expect(expectedArrival('standard', created, settled)).toEqual({
      earliest: new Date('2026-01-06T10:00:00.000Z'),
      latest: new Date('2026-01-08T10:00:00.000Z'),
    });
    expect(expectedArrival('standard', created, null)).toEqual({
      earliest: new Date('2026-01-06T10:00:00.000Z'),
      latest: new Date('2026-01-08T10:00:00.000Z'),
    });
    expect(expectedArrival('instant', created, settled)).toEqual({ earliest: settled, latest: settled });
    expect(expectedArrival('instant', created, null)).toEqual({ earliest: null, latest: null });
  });

  it('books nothing on a provider report about another key, currency or amount', () => {
    const movement = { id: 'm-1', currency: 'USDC' as const, amount: 10_000_000n };
    const report = { idempotencyKey: 'm-1', currency: 'USDC' as const, amount: 10_000_000n };
    expect(reportMismatch(movement, report)).toBeNull();
    expect(reportMismatch(movement, { ...report, idempotencyKey: 'm-2' })).toMatch(/key/);
    expect(reportMismatch(movement, { ...report, currency: 'EURC' })).toMatch(/currency/);
    expect(reportMismatch(movement, { ...report, amount: 10_000_001n })).toMatch(/amount/);
  });

  it('calls completed and failed settled, pending and processing not', () => {
    expect(isSettled({ status: 'completed' })).toBe(true);
    expect(isSettled({ status: 'failed' })).toBe(true);
    expect(isSettled({ status: 'pending' })).toBe(false);
    expect(isSettled({ status: 'processing' })).toBe(false);
  });
});
