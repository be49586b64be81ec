import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { IsCurrencyCode } from '#monay/shared';
import { isCalendarDay } from '../rollup';
import { CATEGORY_INPUTS } from '../taxonomy';

/** A calendar day written YYYY-MM-DD (2026-02-30 is refused). */
function IsCalendarDay(options?: ValidationOptions): PropertyDecorator {
  return (object: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isCalendarDay',
      target: object.constructor,
      propertyName: propertyName as string,
      options: {
        message: `${String(propertyName)} must be a calendar day written YYYY-MM-DD, from 1970 to 2999`,
        ...options,
      },
      validator: { validate: (value: unknown) => isCalendarDay(value) },
    });
  };
}

const DAY_HELP = 'A day in your time zone (wallet preferences), YYYY-MM-DD';

export class DateRangeQueryDto {
  @ApiPropertyOptional({ description: `${DAY_HELP}; default: the 1st of to's month`, example: '2026-01-01' })
  @IsOptional()
  @IsCalendarDay()
  from?: string;

  @ApiPropertyOptional({ description: `${DAY_HELP}; default: today`, example: '2026-01-31' })
  @IsOptional()
  @IsCalendarDay()
  to?: string;
}

export const GRANULARITIES = ['day', 'week', 'month'] as const;
export const GROUP_BYS = ['category', 'merchant', 'counterparty', 'currency'] as const;

export class SpendingQueryDto extends DateRangeQueryDto {
  @ApiPropertyOptional({ enum: GRANULARITIES, default: 'day' })
  @IsOptional()
  @IsIn(GRANULARITIES)
  granularity?: (typeof GRANULARITIES)[number];

  @ApiPropertyOptional({ enum: GROUP_BYS, default: 'category' })
  @IsOptional()
  @IsIn(GROUP_BYS)
  groupBy?: (typeof GROUP_BYS)[number];
}

export class TrendsQueryDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 24,
    default: 6,
    description: 'Months, the current one included',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(24)
  months?: number;
}

export const EXPORT_FORMATS = ['csv', 'json'] as const;

export class ExportQueryDto extends DateRangeQueryDto {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: (typeof EXPORT_FORMATS)[number];
}

export class RuleMatchDto {
  @ApiPropertyOptional({
    description: "A merchant's name, or a raw descriptor",
    example: 'Amazon',
    maxLength: 100,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  merchant?: string;

  @ApiPropertyOptional({
    description: 'Email, phone number, user id or monay: address of a Monay user, or a 0x address',
    example: 'bob@example.com',
    maxLength: 254,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  counterparty?: string;

  @ApiPropertyOptional({ description: 'Text the note contains (any case)', example: 'rent', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  noteContains?: string;
}

const CATEGORY_HELP =
  'A detailed category (FOOD_AND_DRINK_COFFEE) or a primary one (FOOD_AND_DRINK: its OTHER sub-category)';

export class CreateRuleRequestDto {
  @ApiProperty({ type: RuleMatchDto, description: 'Every condition given must hold (at least one)' })
  @IsObject()
  @ValidateNested()
  @Type(() => RuleMatchDto)
  match!: RuleMatchDto;

  @ApiProperty({ description: CATEGORY_HELP, example: 'RENT_AND_UTILITIES_RENT' })
  @IsString()
  @IsIn(CATEGORY_INPUTS)
  category!: string;
}

export class CorrectCategoryRequestDto {
  @ApiProperty({
    description: `${CATEGORY_HELP}; null removes your correction`,
    nullable: true,
    type: String,
  })
  @ValidateIf((_object: unknown, value: unknown) => value !== null)
  @IsString()
  @IsIn(CATEGORY_INPUTS)
  category!: string | null;
}

export class RecordReferencePriceRequestDto {
  @ApiProperty({ enum: ['USDC', 'USDT', 'PYUSD', 'EURC'] })
  @IsCurrencyCode({ stablecoinOnly: true })
  currency!: string;

  @ApiProperty({ description: 'UTC day, YYYY-MM-DD (at most tomorrow)', example: '2026-01-31' })
  @IsCalendarDay()
  day!: string;

  @ApiProperty({ description: 'USD per unit, a positive decimal string', example: '1.0850' })
  @IsString()
  @Matches(/^(0|[1-9][0-9]{0,5})(\.[0-9]{1,8})?$/, {
    message: 'price must be a positive decimal string such as "1.0850" (at most 8 decimals)',
  })
  @Matches(/[1-9]/, { message: 'price must be greater than zero' })
  price!: string;
}

export class ReferencePricesQueryDto extends DateRangeQueryDto {
  @ApiPropertyOptional({ enum: ['USDC', 'USDT', 'PYUSD', 'EURC'] })
  @IsOptional()
  @IsCurrencyCode({ stablecoinOnly: true })
  currency?: string;
}
