import { createHmac, timingSafeEqual } from 'node:crypto';
import { QrFormatUnknownError, QrSignatureInvalidError } from './qr-code.errors';

/**
 * The stablecoins' ERC-20 contracts on Ethereum mainnet (chain id 1), for EIP-681 payment URIs:
 * `ethereum:<contract>@<chainId>/transfer?address=<to>&uint256=<base units>`. Every one has 6 decimals, as our
 * minor unit, so base units are minor units.
 */
export const EIP681_CHAIN_ID = 1;
export const STABLECOIN_CONTRACTS: Readonly<Record<string, string>> = Object.freeze({
  USDC: '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48',
  USDT: '0xdac17f958d2ee523a2206206994597c13d831ec7',
  PYUSD: '0x6c3ea9036406852006290770bedfcaba0e23a0e8',
  EURC: '0x1abaea1f7c830bd89acc67ec4af516284b1bc33c',
});

const ADDRESS = /^0x[0-9a-f]{40}$/i;

export function eip681Of(currency: string, to: string, minor: bigint | null): string | null {
  const contract = STABLECOIN_CONTRACTS[currency];
  if (!contract || !ADDRESS.test(to)) return null;
  const amount = minor === null ? '' : `&uint256=${minor.toString()}`;
  return `ethereum:${contract}@${EIP681_CHAIN_ID}/transfer?address=${to.toLowerCase()}${amount}`;
}

export interface Eip681Payment {
  currency: string;
  to: string;
  minor: bigint | null;
}

/** An EIP-681 ERC-20 transfer of one of our stablecoins on chain 1; anything else is QR_FORMAT_UNKNOWN. */
export function parseEip681(text: string): Eip681Payment {
  const match = /^ethereum:(?:pay-)?(0x[0-9a-fA-F]{40})(?:@(\d+))?\/transfer\?(.*)$/.exec(text.trim());
  if (!match) throw new QrFormatUnknownError('not an EIP-681 ERC-20 transfer');
  const [, contract, chainId, query] = match;
  if ((chainId ?? '1') !== String(EIP681_CHAIN_ID)) throw new QrFormatUnknownError('unsupported chain');
  const currency = Object.entries(STABLECOIN_CONTRACTS).find(([, c]) => c === contract.toLowerCase())?.[0];
  if (!currency) throw new QrFormatUnknownError('unsupported token');
  const params = new URLSearchParams(query);
  const to = params.get('address') ?? '';
  if (!ADDRESS.test(to)) throw new QrFormatUnknownError('the recipient address is missing or malformed');
  const raw = params.get('uint256');
  if (raw !== null && !/^[1-9]\d{0,30}$/.test(raw)) throw new QrFormatUnknownError('malformed amount');
  return { currency, to: to.toLowerCase(), minor: raw === null ? null : BigInt(raw) };
}

export interface ReceiveCode {
  address: string;
  currency: string;
  /** A decimal string, or null: the payer chooses. */
  amount: string | null;
  note: string | null;
}

const RECEIVE_PARAMS = new Set(['v', 'currency', 'amount', 'note', 'sig']);

function canonical(code: ReceiveCode): string {
  return JSON.stringify(['monay-receive', 1, code.address, code.currency, code.amount, code.note]);
}

function signature(key: Buffer, code: ReceiveCode): string {
  return createHmac('sha256', key).update(canonical(code)).digest('base64url');
}

/** `monay:<address-part>?v=1&currency=…[&amount=…][&note=…]&sig=…`: what a receive QR code holds. */
export function signReceiveCode(key: Buffer, code: ReceiveCode): string {
  const params = new URLSearchParams({ v: '1', currency: code.currency });
  if (code.amount !== null) params.set('amount', code.amount);
  if (code.note !== null) params.set('note', code.note);
  params.set('sig', signature(key, code));
  return `${code.address}?${params.toString()}`;
}

/**
 * Reads a `monay:` receive code. A bare wallet address (nothing to alter) needs no signature; a code with any
 * parameter must carry the signature of exactly those values (QR_SIGNATURE_INVALID otherwise).
 */
export function parseReceiveCode(
  key: Buffer,
  text: string,
  isAddress: (value: string) => boolean,
): ReceiveCode {
  const trimmed = text.trim();
  const question = trimmed.indexOf('?');
  const address = (question < 0 ? trimmed : trimmed.slice(0, question)).toLowerCase();
  if (!isAddress(address)) throw new QrFormatUnknownError('not a Monay wallet address');
  if (question < 0) return { address, currency: 'USDC', amount: null, note: null };
  const params = new URLSearchParams(trimmed.slice(question + 1));
  for (const name of params.keys()) {
    if (!RECEIVE_PARAMS.has(name)) throw new QrSignatureInvalidError();
  }
  if (params.get('v') !== '1') throw new QrFormatUnknownError('unknown receive code version');
  const code: ReceiveCode = {
    address,
    currency: params.get('currency') ?? '',
    amount: params.get('amount'),
    note: params.get('note'),
  };
  const given = Buffer.from(params.get('sig') ?? '');
  const expected = Buffer.from(signature(key, code));
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new QrSignatureInvalidError();
  return code;
}

/** The token of a payment-request link (`…/pay/<token>`), or null when the text is no such link. */
export function requestTokenOf(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const match = /^\/pay\/([A-Za-z0-9_-]{16,64})\/?$/.exec(url.pathname);
  return match ? match[1] : null;
}
