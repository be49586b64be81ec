import { expectedArrival, isSettled, isValidDestination, maskDestination, reportMismatch } from './movement';

describe('provider movements (domain rules)', () => {
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
