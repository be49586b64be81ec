import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsCurrencyCode, IsMoneyAmount } from '#monay/shared';

export class DepositRequestDto {
  @ApiProperty({ description: 'Decimal string (or JSON number) in the currency', example: '25.00' })
  @IsMoneyAmount({ currencyField: 'currency', defaultCurrency: 'USDC' })
  amount!: string | number;

  @ApiPropertyOptional({ enum: ['USDC', 'USDT', 'PYUSD', 'EURC'], default: 'USDC' })
  @IsOptional()
  @IsCurrencyCode({ stablecoinOnly: true })
  currency?: string;

  @ApiPropertyOptional({ enum: ['bank', 'card', 'crypto'], default: 'bank' })
  @IsOptional()
  @IsIn(['bank', 'card', 'crypto'])
  method?: string;

  @ApiPropertyOptional({ enum: ['instant', 'standard'], default: 'standard' })
  @IsOptional()
  @IsIn(['instant', 'standard'])
  urgency?: 'instant' | 'standard';

  @ApiPropertyOptional({ description: 'Alternative to the Idempotency-Key header' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  idempotencyKey?: string;
}
