import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** `POST /api/rewards/redeem`. */
export class RedeemRewardRequestDto {
  @ApiProperty({ description: 'A catalog item id (GET /api/rewards/catalog)', example: 'cashback-5-usdc' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'itemId must be a catalog item id' })
  itemId!: string;

  @ApiProperty({ minimum: 1, maximum: 20, example: 1 })
  @IsInt()
  @Min(1)
  @Max(20)
  quantity!: number;

  @ApiPropertyOptional({ description: 'Alternative to the Idempotency-Key header' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  idempotencyKey?: string;
}

/** `POST /api/referrals/attribute`. */
export class AttributeReferralRequestDto {
  @ApiProperty({
    description: 'The referral code the member was given (8 characters; spaces and dashes ignored)',
    example: 'K7QM-2XPA',
  })
  @IsString()
  @MaxLength(32)
  code!: string;
}
