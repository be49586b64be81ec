import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsCurrencyCode, IsMoneyAmount, PageQueryDto } from '#monay/shared';

export class CreatePaymentRequestDto {
  @ApiPropertyOptional({
    description:
      'Who is asked to pay: email, phone, user id or monay: address of a Monay user. Absent: an open request that ' +
      'anyone with its link may pay (each payer once).',
    example: 'bob@example.com',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  from?: string;

  @ApiPropertyOptional({ description: 'Absent (open requests only): the payer chooses the amount' })
  @IsOptional()
  @IsMoneyAmount({ currencyField: 'currency', defaultCurrency: 'USDC' })
  amount?: string | number;

  @ApiPropertyOptional({ enum: ['USDC', 'USDT', 'PYUSD', 'EURC'], default: 'USDC' })
  @IsOptional()
  @IsCurrencyCode({ stablecoinOnly: true })
  currency?: string;

  @ApiPropertyOptional({ maxLength: 280 })
  @IsOptional()
  @IsString()
  @MaxLength(280)
  note?: string;

  @ApiPropertyOptional({
    description: 'Seconds until it expires (60 s to 90 days; default PAYMENT_REQUEST_EXPIRY_HOURS)',
    minimum: 60,
    maximum: 90 * 86_400,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(90 * 86_400)
  expiresIn?: number;
}

export class PayPaymentRequestDto {
  @ApiPropertyOptional({
    description:
      'Only for an open request without an amount: what you pay. A request with an amount takes no other.',
  })
  @IsOptional()
  @IsMoneyAmount({ currencyField: 'currency', defaultCurrency: 'USDC' })
  amount?: string | number;

  @ApiPropertyOptional({ enum: ['USDC', 'USDT', 'PYUSD', 'EURC'], description: 'Default: the request’s' })
  @IsOptional()
  @IsCurrencyCode({ stablecoinOnly: true })
  currency?: string;

  @ApiPropertyOptional({ description: 'Alternative to the Idempotency-Key header' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  idempotencyKey?: string;
}

export class ListPaymentRequestsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['incoming', 'outgoing'], default: 'outgoing' })
  @IsOptional()
  @IsIn(['incoming', 'outgoing'])
  direction?: 'incoming' | 'outgoing';

  @ApiPropertyOptional({ enum: ['requested', 'paid', 'partially_paid', 'declined', 'cancelled', 'expired'] })
  @IsOptional()
  @IsIn(['requested', 'paid', 'partially_paid', 'declined', 'cancelled', 'expired'])
  status?: 'requested' | 'paid' | 'partially_paid' | 'declined' | 'cancelled' | 'expired';
}

export class QrImageQueryDto {
  @ApiPropertyOptional({ enum: ['png', 'svg'], default: 'png' })
  @IsOptional()
  @IsIn(['png', 'svg'])
  format?: 'png' | 'svg';
}

export class ReceiveQrQueryDto {
  @ApiPropertyOptional({ description: 'Absent: the payer chooses the amount' })
  @IsOptional()
  @IsMoneyAmount({ currencyField: 'currency', defaultCurrency: 'USDC' })
  amount?: string;

  @ApiPropertyOptional({ enum: ['USDC', 'USDT', 'PYUSD', 'EURC'], default: 'USDC' })
  @IsOptional()
  @IsCurrencyCode({ stablecoinOnly: true })
  currency?: string;

  @ApiPropertyOptional({ maxLength: 140 })
  @IsOptional()
  @IsString()
  @MaxLength(140)
  note?: string;
}

export class ScanQrRequestDto {
  @ApiProperty({
    description: 'What the camera read: a monay: receive code, a payment-request link or an EIP-681 URI',
    maxLength: 2048,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  payload!: string;
}
