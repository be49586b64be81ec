import { randomBytes } from 'node:crypto';
import { Money, type CurrencyCode } from '#monay/kernel';

/**
 * Tempo's wire format: TIP-20 stablecoins with 6 decimals, amounts as integer strings of base units,
 * transaction hashes `0x` + 64 hex, accounts `0x` + 40 hex, and `transferWithMemo` memos of one bytes32.
 */
export const TIP20_DECIMALS = 6;
export const TEMPO_MEMO_MAX_BYTES = 32;

const BASE_UNITS = /^(0|[1-9][0-9]*)$/;
const BYTES32 = /^0x[0-9a-f]{64}$/;

export function newTxHash(): string {
  return `0x${randomBytes(32).toString('hex')}`;
}

/** Minor units of our currency → TIP-20 base units (an integer string). */
export function toBaseUnits(amount: Money): string {
  const shift = TIP20_DECIMALS - amount.currency.scale;
  if (shift < 0) throw new RangeError(`${amount.code} has more decimals than a TIP-20 token`);
  return (amount.minor * 10n ** BigInt(shift)).toString();
}

/** TIP-20 base units → minor units of `currency`; refuses anything that is not a whole, exact amount. */
export function fromBaseUnits(value: unknown, currency: CurrencyCode): bigint {
  if (typeof value !== 'string' || !BASE_UNITS.test(value)) {
    throw new TypeError(`not a TIP-20 base-unit amount: ${String(value).slice(0, 40)}`);
  }
  const shift = BigInt(TIP20_DECIMALS - Money.zero(currency).currency.scale);
  const divisor = 10n ** shift;
  const units = BigInt(value);
  if (units % divisor !== 0n)
    throw new RangeError(`${value} base units are not a whole ${currency} minor unit`);
  return Money.of(units / divisor, currency).minor;
}

/** The memo as `transferWithMemo` carries it: UTF-8, right-padded with zeros to 32 bytes; null if too long. */
export function encodeMemo(memo: string): string | null {
  const bytes = Buffer.from(memo, 'utf8');
  if (bytes.length > TEMPO_MEMO_MAX_BYTES) return null;
  return `0x${Buffer.concat([bytes, Buffer.alloc(TEMPO_MEMO_MAX_BYTES - bytes.length)]).toString('hex')}`;
}

/** The memo text back from its bytes32 (trailing zero bytes dropped). */
export function decodeMemo(bytes32: unknown): string {
  if (typeof bytes32 !== 'string' || !BYTES32.test(bytes32)) throw new TypeError('not a bytes32 memo');
  let bytes = Buffer.from(bytes32.slice(2), 'hex');
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end -= 1;
  bytes = bytes.subarray(0, end);
  return bytes.toString('utf8');
}
