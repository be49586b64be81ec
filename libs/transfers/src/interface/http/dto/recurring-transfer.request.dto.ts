import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import {
  IsCurrencyCode,
  IsMoneyAmount,
  MONEY_AMOUNT_SCHEMA_NOTE,
  MoneyAmountDto,
  PageQueryDto,
} from '#monay/shared';
import { FREQUENCIES, type Frequency } from '../../../domain/recurrence';
import { MAX_OCCURRENCES_LIMIT } from '../../../domain/recurring-transfer';

const INSTANT_EXAMPLE = '2026-01-31T09:00:00Z';
const INSTANT_HELP = 'ISO 8601; without an offset it is wall-clock time in `timezone`';

export class CreateRecurringTransferRequestDto extends MoneyAmountDto {
  @ApiProperty({
    description: 'Email, phone number, user id or monay: wallet address',
    example: 'bob@example.com',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  to!: string;

  @ApiProperty({ enum: FREQUENCIES })
  @IsIn(FREQUENCIES)
  frequency!: Frequency;

  @ApiProperty({ description: `First occurrence. ${INSTANT_HELP}`, example: INSTANT_EXAMPLE })
  @IsString()
  @MaxLength(40)
  startAt!: string;

  @ApiPropertyOptional({
    type: String,
    description: `No occurrence after this. ${INSTANT_HELP}`,
    nullable: true,
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  endAt?: string | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_OCCURRENCES_LIMIT, nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_OCCURRENCES_LIMIT)
  maxOccurrences?: number | null;

  @ApiPropertyOptional({ type: String, maxLength: 280, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(280)
  note?: string | null;

  @ApiPropertyOptional({ description: 'IANA time zone', default: 'UTC', example: 'Europe/Paris' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;

  @ApiPropertyOptional({ description: 'Optional alternative to the Idempotency-Key header' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  idempotencyKey?: string;
}

/** Every field optional; `null` clears endAt, maxOccurrences and note. */
export class UpdateRecurringTransferRequestDto {
  @ApiPropertyOptional({
    description: `The amount in the currency. ${MONEY_AMOUNT_SCHEMA_NOTE}`,
    example: '12.50',
  })
  @IsOptional()
  @IsMoneyAmount({ currencyField: 'currency', defaultCurrency: 'USDC' })
  amount?: string | number;

  @ApiPropertyOptional({ enum: ['USDC', 'USDT', 'PYUSD', 'EURC'] })
  @IsOptional()
  @IsCurrencyCode({ stablecoinOnly: true })
  currency?: string;

  @ApiPropertyOptional({ enum: FREQUENCIES })
  @IsOptional()
  @IsIn(FREQUENCIES)
  frequency?: Frequency;

  @ApiPropertyOptional({ description: INSTANT_HELP, example: INSTANT_EXAMPLE })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  startAt?: string;

  @ApiPropertyOptional({ type: String, description: INSTANT_HELP, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  endAt?: string | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_OCCURRENCES_LIMIT, nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_OCCURRENCES_LIMIT)
  maxOccurrences?: number | null;

  @ApiPropertyOptional({ example: 'Europe/Paris' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;

  @ApiPropertyOptional({ type: String, maxLength: 280, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(280)
  note?: string | null;

  @ApiPropertyOptional({ enum: ['active', 'paused'] })
  @IsOptional()
  @IsIn(['active', 'paused'])
  status?: 'active' | 'paused';
}

export class ListRecurringTransfersQueryDto extends PageQueryDto {}
