import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { IsCurrencyCode, IsMoneyAmount, MONEY_AMOUNT_SCHEMA_NOTE } from '#monay/shared';

/** `POST /api/consumer/swap`: `{quoteId}`, or `{from, to, amount}` to quote and execute at once. */
export class ExecuteSwapRequestDto {
  @ApiPropertyOptional({ description: 'A quote from GET /api/consumer/swap/quote (alone in the body)' })
  @ValidateIf((body: ExecuteSwapRequestDto) => body.quoteId !== undefined || !hasPair(body))
  @IsUUID(undefined, { message: 'quoteId must be a quote id (or send from, to and amount instead)' })
  quoteId?: string;

  @ApiPropertyOptional({ enum: ['USDC', 'USDT', 'PYUSD', 'EURC'] })
  @ValidateIf((body: ExecuteSwapRequestDto) => body.quoteId === undefined)
  @IsCurrencyCode({ stablecoinOnly: true })
  from?: string;

  @ApiPropertyOptional({ enum: ['USDC', 'USDT', 'PYUSD', 'EURC'] })
  @ValidateIf((body: ExecuteSwapRequestDto) => body.quoteId === undefined)
  @IsCurrencyCode({ stablecoinOnly: true })
  to?: string;

  @ApiPropertyOptional({
    description: `What to sell, in \`from\`. ${MONEY_AMOUNT_SCHEMA_NOTE}`,
    example: '100.00',
  })
  @ValidateIf((body: ExecuteSwapRequestDto) => body.quoteId === undefined)
  @IsMoneyAmount({ currencyField: 'from' })
  amount?: string | number;

  @ApiPropertyOptional({ description: 'Alternative to the Idempotency-Key header' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  idempotencyKey?: string;
}

function hasPair(body: ExecuteSwapRequestDto): boolean {
  return body.from !== undefined || body.to !== undefined || body.amount !== undefined;
}
