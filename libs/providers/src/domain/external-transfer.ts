import type { Movement } from './movement';

/** An on-chain account: `0x` and 40 hex digits, any case (no EIP-55 checksum check). */
const ADDRESS = /^0x[0-9a-f]{40}$/i;

export function isExternalAddress(value: unknown): value is string {
  return typeof value === 'string' && ADDRESS.test(value);
}

/** The one spelling we keep and send: lower case (addresses are case-insensitive; only a checksum uses case). */
export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

/** One leg of a provider batch, as the batch movement keeps it (metadata `legs`; amount in minor units). */
export interface ExternalLegRecord {
  /** The recipient's index in the client's batch request. */
  index: number;
  to: string;
  amount: string;
  note: string | null;
}

/** A provider batch's legs, in the order they are sent. */
export function legsOf(movement: Pick<Movement, 'metadata'>): ExternalLegRecord[] {
  const legs = movement.metadata.legs;
  return Array.isArray(legs) ? (legs as ExternalLegRecord[]) : [];
}

/** The sender's note on a movement, if any. */
export function noteOf(movement: Pick<Movement, 'metadata'>): string | null {
  const note = movement.metadata.note;
  return typeof note === 'string' && note.length > 0 ? note : null;
}

/** The batch request a movement belongs to, if any. */
export function batchIdOf(movement: Pick<Movement, 'metadata'>): string | null {
  const batchId = movement.metadata.batchId;
  return typeof batchId === 'string' ? batchId : null;
}

/**
 * The longest prefix of `text` that fits in `maxBytes` of UTF-8 without cutting a character in two
 * (a memo field of fixed size, such as Tempo's bytes32).
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}
