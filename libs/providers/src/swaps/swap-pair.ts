import type { CurrencyCode } from '#monay/kernel';
import { SwapRequestInvalidError } from '../domain/swap.errors';

/** Two different stablecoins (the DTO checked each one). */
export function pairOf(
  from: string | undefined,
  to: string | undefined,
): { from: CurrencyCode; to: CurrencyCode } {
  if (from === to) throw new SwapRequestInvalidError('to', 'must be another currency than from');
  return { from: from as CurrencyCode, to: to as CurrencyCode };
}
