import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { MoneyAmountDto } from '#monay/shared';

export class WithdrawRequestDto extends MoneyAmountDto {
  @ApiProperty({
    description: 'The bank account or card reference to pay out to: 4 to 64 visible characters, no spaces',
    example: 'GB33BUKB20201555555555',
  })
  @IsString()
  @Matches(/^[\x21-\x7e]{4,64}$/, {
    message: 'destination must be 4 to 64 visible characters, without spaces',
  })
  destination!: string;

  @ApiPropertyOptional({ enum: ['instant', 'standard'], default: 'standard' })
  @IsOptional()
  @IsIn(['instant', 'standard'])
  speed?: 'instant' | 'standard';

  @ApiPropertyOptional({ description: 'Alternative to the Idempotency-Key header' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  idempotencyKey?: string;
}
