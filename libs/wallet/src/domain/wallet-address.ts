import { randomBytes } from 'node:crypto';

const PREFIX = 'monay:';
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789'; // no 0/o/1/l: read aloud, typed by hand

/** `monay:` + 20 unambiguous characters (100 bits): stable, opaque, never derived from the user. */
export function newWalletAddress(): string {
  const bytes = randomBytes(20);
  let id = '';
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return PREFIX + id;
}

export function isWalletAddress(value: string): boolean {
  return /^monay:[a-z2-9]{20}$/.test(value);
}
