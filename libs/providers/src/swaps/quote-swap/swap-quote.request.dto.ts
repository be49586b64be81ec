import { ApiProperty } from '@nestjs/swagger';
import { IsCurrencyCode, IsMoneyAmount, MONEY_AMOUNT_PATTERN } from '#monay/shared';

/** `GET /api/consumer/swap/quote?from&to&amount`: sell `amount` of `from` for `to`. */
export class SwapQuoteRequestDto {
  @ApiProperty({ enum: ['USDC', 'USDT', 'PYUSD', 'EURC'], example: 'USDC' })
  @IsCurrencyCode({ stablecoinOnly: true })
  from!: string;

  @ApiProperty({ enum: ['USDC', 'USDT', 'PYUSD', 'EURC'], example: 'EURC' })
  @IsCurrencyCode({ stablecoinOnly: true })
  to!: string;

  @ApiProperty({
    description: 'What to sell, a decimal string in `from` (the fee is inside it), such as "100.00"',
    type: 'string',
    format: 'decimal',
    pattern: MONEY_AMOUNT_PATTERN,
    example: '100.00',
  })
  @IsMoneyAmount({ currencyField: 'from' })
  amount!: string;
}
