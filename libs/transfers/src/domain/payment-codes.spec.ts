import { randomBytes } from 'node:crypto';
import {
  eip681Of,
  parseEip681,
  parseReceiveCode,
  requestTokenOf,
  signReceiveCode,
  STABLECOIN_CONTRACTS,
} from './payment-codes';
import { QrFormatUnknownError, QrSignatureInvalidError } from './qr-code.errors';

const key = randomBytes(32);
const isAddress = (value: string) => /^monay:[a-z2-9]{20}$/.test(value);
const address = 'monay:abcdefghjkmnpqrstuvw';

describe('payment codes', () => {
  it('a signed receive code reads back exactly, and any change to it is refused', () => {
    const code = { address, currency: 'USDC', amount: '12.50', note: 'lunch & coffee' };
    const text = signReceiveCode(key, code);
    expect(parseReceiveCode(key, text, isAddress)).toEqual(code);
    expect(() => parseReceiveCode(key, text.replace('12.50', '99.50'), isAddress)).toThrow(
      QrSignatureInvalidError,
    );
    expect(() => parseReceiveCode(key, text.replace('USDC', 'USDT'), isAddress)).toThrow(
      QrSignatureInvalidError,
    );
    expect(() => parseReceiveCode(key, `${text}&extra=1`, isAddress)).toThrow(QrSignatureInvalidError);
    expect(() => parseReceiveCode(randomBytes(32), text, isAddress)).toThrow(QrSignatureInvalidError);
    const other = text.replace(address, 'monay:bbbbbbbbbbbbbbbbbbbb');
    expect(() => parseReceiveCode(key, other, isAddress)).toThrow(QrSignatureInvalidError);
  });

  it('a bare wallet address needs no signature; anything else is an unknown format', () => {
    expect(parseReceiveCode(key, address, isAddress)).toEqual({
      address,
      currency: 'USDC',
      amount: null,
      note: null,
    });
    expect(() => parseReceiveCode(key, 'monay:short', isAddress)).toThrow(QrFormatUnknownError);
  });

  it('EIP-681 URIs of our stablecoins round-trip in base units', () => {
    const to = '0x' + 'ab'.repeat(20);
    const uri = eip681Of('USDT', to, 12_500_000n) as string;
    expect(uri).toBe(`ethereum:${STABLECOIN_CONTRACTS.USDT}@1/transfer?address=${to}&uint256=12500000`);
    expect(parseEip681(uri)).toEqual({ currency: 'USDT', to, minor: 12_500_000n });
    expect(() => parseEip681(uri.replace('@1/', '@137/'))).toThrow(QrFormatUnknownError);
    expect(() => parseEip681(`ethereum:0x${'11'.repeat(20)}@1/transfer?address=${to}`)).toThrow(
      QrFormatUnknownError,
    );
    expect(eip681Of('USDC', 'monay:abc', 1n)).toBeNull();
  });

  it('finds the token of a payment-request link', () => {
    expect(requestTokenOf('https://pay.example/pay/AbCdEfGhIjKlMnOpQrStUv')).toBe('AbCdEfGhIjKlMnOpQrStUv');
    expect(requestTokenOf('https://pay.example/other/AbCdEfGhIjKlMnOpQrStUv')).toBeNull();
    expect(requestTokenOf('nonsense')).toBeNull();
  });
});
