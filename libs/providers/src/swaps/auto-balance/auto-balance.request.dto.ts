import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, Matches } from 'class-validator';

export class AutoBalanceRequestDto {
  @ApiProperty({ enum: ['minimum', 'shares'] })
  @IsIn(['minimum', 'shares'])
  mode!: 'minimum' | 'shares';

  @ApiPropertyOptional({
    type: 'string',
    description: '`minimum` mode: keep at least this much of your preferred currency available',
    example: '50.00',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,12}(\.\d{1,6})?$/, { message: 'minimum must be an amount such as "50.00"' })
  minimum?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: '`shares` mode: each stablecoin’s share of your balance in USD, adding up to 1',
    example: { USDC: '0.6', USDT: '0.4' },
  })
  @IsOptional()
  @IsObject()
  targets?: Record<string, string>;

  @ApiPropertyOptional({ type: 'string', default: '0.05', description: 'How far a share may drift (0–1)' })
  @IsOptional()
  @IsString()
  tolerance?: string;

  @ApiPropertyOptional({
    type: 'string',
    default: '1.00',
    description: 'No rebalancing swap worth less (USD)',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,9}(\.\d{1,2})?$/, { message: 'minSwap must be a USD amount such as "5.00"' })
  minSwap?: string;
}
