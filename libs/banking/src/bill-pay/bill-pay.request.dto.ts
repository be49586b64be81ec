import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { Type } from 'class-transformer';
import { MoneyAmountDto } from '#monay/shared';

export class AddPayeeRequestDto {
  @ApiProperty({ example: 'blr_power', description: 'A biller of the directory (GET /api/bill-pay/billers)' })
  @IsString()
  @Matches(/^blr_[a-z0-9_]{1,40}$/, { message: 'billerId is not a biller id' })
  billerId!: string;

  @ApiProperty({ example: '1234567890', description: 'Your account number at the biller, in its format' })
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  accountNumber!: string;

  @ApiProperty({ example: 'Electricity' })
  @IsString()
  @MinLength(1)
  @MaxLength(60)
  nickname!: string;
}

export class PayBillRequestDto extends MoneyAmountDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  payeeId!: string;

  @ApiPropertyOptional({
    example: '2026-12-20',
    description: 'Deliver by this date (not before the earliest delivery)',
  })
  @IsOptional()
  @Matches(/^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, {
    message: 'deliverBy must be a date YYYY-MM-DD',
  })
  deliverBy?: string;

  @ApiPropertyOptional({ description: 'Alternative to the Idempotency-Key header' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  idempotencyKey?: string;
}

export class BillHistoryQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class BillerQueryDto {
  @ApiPropertyOptional({ description: 'Part of a biller name or a category' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  q?: string;
}
