import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { MoneyAmountDto } from '#monay/shared';

export class DepositRequestDto extends MoneyAmountDto {
  @ApiPropertyOptional({ enum: ['bank', 'card', 'crypto'], default: 'bank' })
  @IsOptional()
  @IsIn(['bank', 'card', 'crypto'])
  method?: 'bank' | 'card' | 'crypto';

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
