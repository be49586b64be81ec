import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { DomainError } from '#monay/kernel';
import { IsCurrencyCode, PageQueryDto } from '#monay/shared';
import { HISTORY_LINE_TYPES } from './history';

export class HistoryQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsCurrencyCode({ stablecoinOnly: true })
  currency?: string;

  @ApiPropertyOptional({ enum: HISTORY_LINE_TYPES })
  @IsOptional()
  @IsIn(HISTORY_LINE_TYPES)
  type?: string;
}

export function encodeCursor(occurredAt: Date, id: string): string {
  return Buffer.from(`${occurredAt.toISOString()}|${id}`).toString('base64url');
}

export class InvalidCursorError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  readonly kind = 'invalid';
  constructor() {
    super('cursor: cursor must be a cursor returned as nextCursor', {
      fields: [{ field: 'cursor', problems: ['cursor must be a cursor returned as nextCursor'] }],
    });
  }
}

/** A cursor we did not make is refused as bad input (400), never passed on to SQL. */
export function decodeCursor(cursor: string): { occurredAt: Date; id: string } {
  const [time, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const occurredAt = new Date(time ?? '');
  if (!id || Number.isNaN(occurredAt.getTime())) throw new InvalidCursorError();
  return { occurredAt, id };
}
