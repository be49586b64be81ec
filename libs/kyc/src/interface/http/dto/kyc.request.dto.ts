import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsObject,
  IsInt,
  IsISO31661Alpha2,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { DOCUMENT_SIDES, DOCUMENT_TYPES } from '../../../domain/kyc-requirements';
import { INQUIRY_STATUSES } from '../../../domain/inquiry';

const NAME = /^[\p{L}\p{M}' .-]+$/u;
const NAME_MESSAGE = '$property must be letters, spaces, apostrophes, dots or hyphens';

/** A date of birth (YYYY-MM-DD) that exists, is not in the future, and is at least 18 years ago. */
function IsAdultDateOfBirth(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAdultDateOfBirth',
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
          const [year, month, day] = value.split('-').map(Number);
          const born = new Date(Date.UTC(year, month - 1, day));
          if (
            born.getUTCFullYear() !== year ||
            born.getUTCMonth() !== month - 1 ||
            born.getUTCDate() !== day
          ) {
            return false;
          }
          const now = new Date();
          const adultOn = new Date(Date.UTC(year + 18, month - 1, day));
          return year >= 1900 && born <= now && adultOn <= now;
        },
        defaultMessage: () =>
          'dateOfBirth must be a real date (YYYY-MM-DD), not in the future, of someone at least 18 years old',
      },
    },
    options,
  );
}

export class KycAddressDto {
  @ApiProperty({ example: '1 Main Street', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  line1!: string;

  @ApiProperty({ example: 'Springfield', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  city!: string;

  @ApiProperty({ example: '12345', maxLength: 20 })
  @IsString()
  @Matches(/^[A-Za-z0-9 -]{2,20}$/, {
    message: 'postalCode must be 2 to 20 letters, digits, spaces or hyphens',
  })
  postalCode!: string;

  @ApiProperty({ example: 'US', description: 'ISO 3166-1 alpha-2' })
  @IsISO31661Alpha2()
  country!: string;
}

export class StartKycRequestDto {
  @ApiProperty({ enum: [2, 3], description: '2: Verified, 3: Premium', example: 2 })
  @IsIn([2, 3])
  targetTier!: 2 | 3;

  @ApiProperty({ example: 'Ada', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(NAME, { message: NAME_MESSAGE })
  firstName!: string;

  @ApiProperty({
    example: 'Lovelace',
    maxLength: 100,
    description: 'In the sandbox, `Review` sends the inquiry to review and `Decline` has it declined',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(NAME, { message: NAME_MESSAGE })
  lastName!: string;

  @ApiProperty({ example: '1990-12-10', description: 'YYYY-MM-DD; at least 18 years ago' })
  @IsAdultDateOfBirth()
  dateOfBirth!: string;

  @ApiProperty({ type: KycAddressDto })
  @IsObject()
  @ValidateNested()
  @Type(() => KycAddressDto)
  address!: KycAddressDto;
}

export class UploadKycDocumentRequestDto {
  @ApiProperty({ enum: DOCUMENT_TYPES })
  @IsIn(DOCUMENT_TYPES)
  type!: (typeof DOCUMENT_TYPES)[number];

  @ApiPropertyOptional({
    enum: DOCUMENT_SIDES,
    description: 'Required for a government_id, refused otherwise',
  })
  @IsOptional()
  @IsIn(DOCUMENT_SIDES)
  side?: (typeof DOCUMENT_SIDES)[number];

  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'JPEG, PNG or PDF (recognised by its bytes), at most 10 MB (KYC_DOCUMENT_MAX_BYTES)',
  })
  // Documented here, read by the file interceptor: whitelisted (it is in the class, so validation sees it).
  @IsOptional()
  file?: unknown;
}

export class ReviewInquiryRequestDto {
  @ApiProperty({ enum: ['approve', 'decline'] })
  @IsIn(['approve', 'decline'])
  decision!: 'approve' | 'decline';

  @ApiPropertyOptional({ maxLength: 500, description: 'Shown to the user on a decline' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason?: string;
}

export class RevokeTierRequestDto {
  @ApiProperty({ maxLength: 500, example: 'Document found to be forged' })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason!: string;
}

export class ListInquiriesQueryDto {
  @ApiPropertyOptional({ enum: INQUIRY_STATUSES })
  @IsOptional()
  @IsIn(INQUIRY_STATUSES)
  status?: (typeof INQUIRY_STATUSES)[number];

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{4,200}$/, { message: 'cursor must be a cursor returned as nextCursor' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
