import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsMoneyAmount } from '#monay/shared';

export class UpdateLimitsRequestDto {
  @ApiPropertyOptional({ description: 'Daily limit in USD', example: '500.00' })
  @IsOptional()
  @IsMoneyAmount({ defaultCurrency: 'USD' })
  daily?: string | number;

  @ApiPropertyOptional({ description: 'Monthly limit in USD', example: '5000.00' })
  @IsOptional()
  @IsMoneyAmount({ defaultCurrency: 'USD' })
  monthly?: string | number;
}
