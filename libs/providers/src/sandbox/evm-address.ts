import { randomBytes } from 'node:crypto';

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** An on-chain account (Tempo, and the EVM chains Circle and Monay pay out on): `0x` and 40 hex digits. */
export function isEvmAddress(value: unknown): boolean {
  return typeof value === 'string' && ADDRESS.test(value);
}

export function newEvmAddress(): string {
  return `0x${randomBytes(20).toString('hex')}`;
}
