import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { IsMoneyAmount, MONEY_AMOUNT_PATTERN, MONEY_AMOUNT_SCHEMA_NOTE } from '#monay/shared';
import { FUNDING_CURRENCIES } from '../../../domain/card';

const limitNote = `USD; null removes the limit. ${MONEY_AMOUNT_SCHEMA_NOTE}`;

export class CardLimitsRequestDto {
  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    pattern: MONEY_AMOUNT_PATTERN,
    description: limitNote,
  })
  @IsOptional()
  @IsMoneyAmount({ defaultCurrency: 'USD' })
  perAuthorization?: string | number | null;

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    pattern: MONEY_AMOUNT_PATTERN,
    description: limitNote,
  })
  @IsOptional()
  @IsMoneyAmount({ defaultCurrency: 'USD' })
  daily?: string | number | null;

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    pattern: MONEY_AMOUNT_PATTERN,
    description: limitNote,
  })
  @IsOptional()
  @IsMoneyAmount({ defaultCurrency: 'USD' })
  monthly?: string | number | null;

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    pattern: MONEY_AMOUNT_PATTERN,
    description: limitNote,
  })
  @IsOptional()
  @IsMoneyAmount({ defaultCurrency: 'USD' })
  allTime?: string | number | null;

  @ApiPropertyOptional({ type: [String], description: 'Merchant category codes (4 digits) to decline' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(/^[0-9]{4}$/, { each: true, message: 'blockedCategories must be 4-digit merchant category codes' })
  blockedCategories?: string[];
}

export class CreateCardRequestDto {
  @ApiProperty({ example: 'Online shopping' })
  @IsString()
  @Length(1, 40)
  nickname!: string;

  @ApiPropertyOptional({ enum: FUNDING_CURRENCIES, default: 'USDC' })
  @IsOptional()
  @IsIn(FUNDING_CURRENCIES)
  fundingCurrency?: (typeof FUNDING_CURRENCIES)[number];

  @ApiPropertyOptional({ type: CardLimitsRequestDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => CardLimitsRequestDto)
  limits?: CardLimitsRequestDto;
}

export class FreezeCardRequestDto {
  @ApiProperty()
  @IsBoolean()
  frozen!: boolean;
}

export class ReportCardRequestDto {
  @ApiProperty({ enum: ['lost', 'stolen'] })
  @IsIn(['lost', 'stolen'])
  reason!: 'lost' | 'stolen';
}

class MerchantDto {
  @ApiProperty()
  @IsString()
  @Length(1, 80)
  name!: string;

  @ApiProperty({ example: '5812' })
  @Matches(/^[0-9]{4}$/, { message: 'mcc must be 4 digits' })
  mcc!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(80)
  city?: string;

  @ApiPropertyOptional({ example: 'US' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166 alpha-2 code' })
  country?: string;
}

export class NetworkAuthorizeRequestDto {
  @ApiProperty({ type: 'string', pattern: MONEY_AMOUNT_PATTERN, description: MONEY_AMOUNT_SCHEMA_NOTE })
  @IsMoneyAmount({ defaultCurrency: 'USD' })
  amount!: string | number;

  @ApiPropertyOptional({ default: 'USD' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' })
  currency?: string;

  @ApiProperty({ type: MerchantDto })
  @ValidateNested()
  @Type(() => MerchantDto)
  merchant!: MerchantDto;
}

export class NetworkStepRequestDto {
  @ApiProperty({ example: 'auth_…' })
  @Matches(/^auth_[A-Za-z0-9]{1,64}$/, { message: 'authorizationId must be an authorization id' })
  authorizationId!: string;

  @ApiPropertyOptional({
    type: 'string',
    pattern: MONEY_AMOUNT_PATTERN,
    description: MONEY_AMOUNT_SCHEMA_NOTE,
  })
  @IsOptional()
  @IsMoneyAmount({ defaultCurrency: 'USD' })
  amount?: string | number;

  @ApiPropertyOptional({
    description: 'Clearings: false keeps the rest authorized for further clearings',
    default: true,
  })
  @IsOptional()
  @IsBoolean()
  final?: boolean;
}
