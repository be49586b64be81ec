import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '#monay/shared';

export class CreateContactRequestDto {
  @ApiProperty({
    description:
      'Email, phone number, user id or monay: wallet address of a Monay user, or an external 0x address (40 hex ' +
      'digits). A user who cannot be found (or who blocked you) answers 404 RECIPIENT_NOT_FOUND.',
    example: 'bob@example.com',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  to!: string;

  @ApiPropertyOptional({ maxLength: 80, description: 'Default: the masked form of `to`' })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  nickname?: string;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() favourite?: boolean;
  @ApiPropertyOptional({ description: 'Trusted contacts skip the new-recipient step-up' })
  @IsOptional()
  @IsBoolean()
  trusted?: boolean;
  @ApiPropertyOptional({ description: 'A blocked user cannot pay you, request money from you or find you' })
  @IsOptional()
  @IsBoolean()
  blocked?: boolean;
}

export class UpdateContactRequestDto {
  @ApiPropertyOptional({ maxLength: 80 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(80)
  nickname?: string;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() favourite?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() trusted?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() blocked?: boolean;
}

export class ListContactsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: ['favourite', 'trusted', 'blocked'],
    description: 'Only contacts with this flag',
  })
  @IsOptional()
  @IsIn(['favourite', 'trusted', 'blocked'])
  flag?: 'favourite' | 'trusted' | 'blocked';

  @ApiPropertyOptional({
    maxLength: 80,
    description: 'Part of the nickname or of what was saved (case-insensitive)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  search?: string;
}

export class FrequentContactsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}

export class AddressBookEntryDto {
  @ApiProperty({ maxLength: 120 })
  @IsString()
  @MaxLength(120)
  name!: string;

  @ApiPropertyOptional({ type: [String], maxItems: 10 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  phones?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: 10 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(254, { each: true })
  emails?: string[];
}

export class ImportContactsRequestDto {
  @ApiProperty({ type: [AddressBookEntryDto], minItems: 1, maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => AddressBookEntryDto)
  entries!: AddressBookEntryDto[];

  @ApiPropertyOptional({
    description: 'ISO 3166 country of numbers written without a country code',
    default: 'US',
    example: 'US',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @Matches(/^[A-Z]{2}$/, { message: 'defaultCountry must be a two-letter country code' })
  defaultCountry?: string;
}

export class DiscoverySettingRequestDto {
  @ApiProperty({ description: 'Whether others may find you from their address book (off: never matched)' })
  @IsBoolean()
  discoverable!: boolean;
}
