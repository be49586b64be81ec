import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { MoneyAmountDto } from '#monay/shared';

export class TransferLegDto extends MoneyAmountDto {
  @ApiProperty({
    description:
      'Email, phone number, user id or monay: wallet address of a Monay user; or an external on-chain address ' +
      '(0x and 40 hex digits, any case), paid through a stablecoin provider. Any other 0x value is refused (400).',
    example: 'bob@example.com',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  to!: string;
}

export class SendTransferRequestDto extends TransferLegDto {
  @ApiPropertyOptional({ maxLength: 280 })
  @IsOptional()
  @IsString()
  @MaxLength(280)
  note?: string;

  @ApiPropertyOptional({
    description:
      'To an email or phone no Monay user has: hold the money for them and send an invitation (202 pending_claim) ' +
      'instead of 404 RECIPIENT_NOT_FOUND',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  inviteIfUnknown?: boolean;

  @ApiPropertyOptional({ description: 'Alternative to the Idempotency-Key header' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  idempotencyKey?: string;
}

export class BatchRecipientDto extends TransferLegDto {
  @ApiPropertyOptional({ maxLength: 280 })
  @IsOptional()
  @IsString()
  @MaxLength(280)
  note?: string;
}

export class BatchTransferRequestDto {
  @ApiProperty({ type: [BatchRecipientDto], minItems: 1, maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => BatchRecipientDto)
  recipients!: BatchRecipientDto[];

  @ApiPropertyOptional({ description: 'Alternative to the Idempotency-Key header' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  idempotencyKey?: string;
}
