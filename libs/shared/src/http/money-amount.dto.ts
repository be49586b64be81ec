import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsCurrencyCode, IsMoneyAmount, MONEY_AMOUNT_SCHEMA_NOTE } from './amount.validator';

/** `{amount, currency?}` as every money route takes it: a decimal string (or exact JSON number), USDC by default. */
export class MoneyAmountDto {
  @ApiProperty({ description: `The amount in the currency. ${MONEY_AMOUNT_SCHEMA_NOTE}`, example: '12.50' })
  @IsMoneyAmount({ currencyField: 'currency', defaultCurrency: 'USDC' })
  amount!: string | number;

  @ApiPropertyOptional({ enum: ['USDC', 'USDT', 'PYUSD', 'EURC'], default: 'USDC' })
  @IsOptional()
  @IsCurrencyCode({ stablecoinOnly: true })
  currency?: string;
}
