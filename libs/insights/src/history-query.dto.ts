import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { IsCurrencyCode } from '#monay/shared';

const CURSOR = /^[A-Za-z0-9_-]{8,200}$/;

export class HistoryQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(CURSOR, { message: 'cursor must be a cursor returned as nextCursor' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsCurrencyCode({ stablecoinOnly: true })
  currency?: string;

  @ApiPropertyOptional({ enum: ['deposit', 'transfer_out', 'transfer_in'] })
  @IsOptional()
  @IsIn(['deposit', 'transfer_out', 'transfer_in'])
  type?: string;
}

export function encodeCursor(occurredAt: Date, id: string): string {
  return Buffer.from(`${occurredAt.toISOString()}|${id}`).toString('base64url');
}

/** A cursor that does not decode is treated as the end of the list, never as an error deep in SQL. */
export function decodeCursor(cursor: string): { occurredAt: Date; id: string } | undefined {
  const [time, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const occurredAt = new Date(time ?? '');
  return id && !Number.isNaN(occurredAt.getTime()) ? { occurredAt, id } : { occurredAt: new Date(0), id: '' };
}
