import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import { IsInt, IsOptional, ValidateNested, validate } from 'class-validator';
import { IsMoneyAmount } from './amount.validator';
import { recordJsonNumberSource } from './json-number-source';

class Leg {
  @IsMoneyAmount()
  amount!: unknown;
}

class Request {
  @IsMoneyAmount()
  amount!: unknown;

  @IsOptional()
  @IsInt()
  quantity?: number;

  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => Leg)
  legs?: Leg[];
}

/** What the body parser and the ValidationPipe do with a JSON body: parse with the reviver, transform, validate. */
async function read(json: string) {
  const body = JSON.parse(json, recordJsonNumberSource) as Record<string, unknown>;
  const dto = plainToInstance(Request, body);
  const errors = await validate(dto);
  const messages = errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}),
    ...(error.children ?? []).flatMap((child) =>
      (child.children ?? []).flatMap((leaf) => Object.values(leaf.constraints ?? {})),
    ),
  ]);
  return { dto, messages };
}

describe('JSON numbers in request bodies are read from the text the client sent', () => {
  it('refuses an amount a double would round (1.0000000000000001 is not 1.00)', async () => {
    const { dto, messages } = await read('{"amount": 1.0000000000000001}');
    expect(dto.amount).toBe('1.0000000000000001');
    expect(messages).toEqual(['amount must have at most 6 decimal places for USDC']);
  });

  it('refuses an exponent as it refuses the string "1e2"', async () => {
    expect((await read('{"amount": 1e2}')).messages).toEqual(['amount must not use exponent notation']);
    expect((await read('{"amount": -0}')).messages).toEqual(['amount must not be negative']);
  });

  it('accepts an exact decimal number, with the digits the client sent', async () => {
    const { dto, messages } = await read('{"amount": 12.50}');
    expect(messages).toEqual([]);
    expect(dto.amount).toBe('12.50');
    expect((await read('{"amount": 12.5}')).dto.amount).toBe('12.5');
  });

  it('applies to amounts nested in arrays of objects', async () => {
    const { dto, messages } = await read(
      '{"amount": "1.00", "legs": [{"amount": 2}, {"amount": 0.30000000000000004}]}',
    );
    expect(dto.legs?.map((leg) => leg.amount)).toEqual(['2', '0.30000000000000004']);
    expect(messages).toEqual(['amount must have at most 6 decimal places for USDC']);
  });

  it('leaves every other numeric field a number', async () => {
    const { dto, messages } = await read('{"amount": "1.00", "quantity": 3}');
    expect(messages).toEqual([]);
    expect(dto.quantity).toBe(3);
  });

  it('without the reviver (a body not parsed by the API) a number is checked as before', async () => {
    const dto = plainToInstance(Request, { amount: 12.5 });
    expect(dto.amount).toBe(12.5);
    expect(await validate(dto)).toEqual([]);
  });
});
