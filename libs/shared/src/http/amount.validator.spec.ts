import { validate, type ValidationError } from 'class-validator';
import { IsCurrencyCode, IsMoneyAmount } from './amount.validator';

class SendRequest {
  @IsCurrencyCode()
  currency!: unknown;

  @IsMoneyAmount()
  amount!: unknown;
}

class DepositRequest {
  @IsCurrencyCode({ stablecoinOnly: true })
  asset?: unknown;

  @IsMoneyAmount({ currencyField: 'asset', defaultCurrency: 'EURC', allowZero: true })
  value!: unknown;
}

class AmountOnly {
  @IsMoneyAmount({ defaultCurrency: 'USD' })
  amount!: unknown;
}

function build<T extends object>(type: new () => T, body: Record<string, unknown>): T {
  return Object.assign(new type(), body);
}

/** `{field: messages}` the way the ValidationPipe lists them. */
async function problems(target: object): Promise<Record<string, string[]>> {
  const errors: ValidationError[] = await validate(target);
  return Object.fromEntries(errors.map((error) => [error.property, Object.values(error.constraints ?? {})]));
}

describe('IsMoneyAmount and IsCurrencyCode', () => {
  it('accept a valid request', async () => {
    expect(await problems(build(SendRequest, { currency: 'USDC', amount: '12.50' }))).toEqual({});
    expect(await problems(build(SendRequest, { currency: 'USD', amount: 12.5 }))).toEqual({});
    expect(await problems(build(SendRequest, { currency: 'EURC', amount: '0.000001' }))).toEqual({});
  });

  it('report the exact amount problem as the message', async () => {
    expect(await problems(build(SendRequest, { currency: 'USDC', amount: '1.0000001' }))).toEqual({
      amount: ['amount must have at most 6 decimal places for USDC'],
    });
    expect(await problems(build(SendRequest, { currency: 'USDC', amount: '-5' }))).toEqual({
      amount: ['amount must not be negative'],
    });
    expect(await problems(build(SendRequest, { currency: 'USDC', amount: 1e21 }))).toEqual({
      amount: ['amount must not use exponent notation; send it as a decimal string such as "12.50"'],
    });
    expect(await problems(build(SendRequest, { currency: 'USDC', amount: '0' }))).toEqual({
      amount: ['amount must be greater than zero'],
    });
    expect(await problems(build(SendRequest, { currency: 'USDC' }))).toEqual({
      amount: ['amount is required'],
    });
  });

  it('apply the USD scale when the currency is USD', async () => {
    expect(await problems(build(SendRequest, { currency: 'USD', amount: '1.001' }))).toEqual({
      amount: ['amount must have at most 2 decimal places for USD'],
    });
    expect(await problems(build(SendRequest, { currency: 'USDC', amount: '1.001' }))).toEqual({});
  });

  it('leave an unknown currency to the currency validator', async () => {
    expect(await problems(build(SendRequest, { currency: 'BTC', amount: '1.0000001' }))).toEqual({
      currency: ['currency must be one of USDC, USDT, PYUSD, EURC, USD'],
    });
    expect(await problems(build(SendRequest, { currency: 7, amount: '1' }))).toEqual({
      currency: ['currency must be one of USDC, USDT, PYUSD, EURC, USD'],
    });
  });

  it('use the default currency when the sibling is absent', async () => {
    expect(await problems(build(AmountOnly, { amount: '1.001' }))).toEqual({
      amount: ['amount must have at most 2 decimal places for USD'],
    });
    expect(await problems(build(AmountOnly, { amount: '1.01' }))).toEqual({});
  });

  it('honour currencyField, defaultCurrency, allowZero and stablecoinOnly', async () => {
    expect(await problems(build(DepositRequest, { value: '0' }))).toEqual({
      asset: ['asset must be one of USDC, USDT, PYUSD, EURC'],
    });
    expect(await problems(build(DepositRequest, { asset: 'USD', value: '1.5' }))).toEqual({
      asset: ['asset must be one of USDC, USDT, PYUSD, EURC'],
    });
    expect(await problems(build(DepositRequest, { asset: 'USDT', value: '0' }))).toEqual({});
    expect(await problems(build(DepositRequest, { asset: 'USDT', value: '0.1234567' }))).toEqual({
      value: ['value must have at most 6 decimal places for USDT'],
    });
  });
});
