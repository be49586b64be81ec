import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsCurrencyCode, PageQueryDto } from '#monay/shared';

export class HistoryQueryDto extends PageQueryDto {
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
