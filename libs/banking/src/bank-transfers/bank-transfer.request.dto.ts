import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsMoneyAmount } from '#monay/shared';

export class AchTransferRequestDto {
  @ApiProperty({ description: 'A verified bank account of yours', format: 'uuid' })
  @IsUUID()
  bankAccountId!: string;

  @ApiProperty({
    description: 'USD to move (2 decimals); the wallet is credited or debited in USDC at 1:1',
    example: '250.00',
  })
  @IsMoneyAmount({ defaultCurrency: 'USD' })
  amount!: string | number;

  @ApiPropertyOptional({ enum: ['standard', 'same_day'], default: 'standard' })
  @IsOptional()
  @IsIn(['standard', 'same_day'])
  speed?: 'standard' | 'same_day';

  @ApiPropertyOptional({ description: 'Alternative to the Idempotency-Key header' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  idempotencyKey?: string;
}

export class WireTransferRequestDto {
  @ApiProperty({ description: 'A verified bank account of yours', format: 'uuid' })
  @IsUUID()
  bankAccountId!: string;

  @ApiProperty({ description: 'USD to wire (2 decimals)', example: '5000.00' })
  @IsMoneyAmount({ defaultCurrency: 'USD' })
  amount!: string | number;

  @ApiPropertyOptional({ description: 'Alternative to the Idempotency-Key header' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  idempotencyKey?: string;
}
