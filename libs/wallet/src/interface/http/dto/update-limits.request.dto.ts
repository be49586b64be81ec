import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsMoneyAmount, MONEY_AMOUNT_SCHEMA_NOTE } from '#monay/shared';

export class UpdateLimitsRequestDto {
  @ApiPropertyOptional({ description: `Daily limit in USD. ${MONEY_AMOUNT_SCHEMA_NOTE}`, example: '500.00' })
  @IsOptional()
  @IsMoneyAmount({ defaultCurrency: 'USD' })
  daily?: string | number;

  @ApiPropertyOptional({
    description: `Monthly limit in USD. ${MONEY_AMOUNT_SCHEMA_NOTE}`,
    example: '5000.00',
  })
  @IsOptional()
  @IsMoneyAmount({ defaultCurrency: 'USD' })
  monthly?: string | number;
}
