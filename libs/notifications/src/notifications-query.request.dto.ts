import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PageQueryDto } from '#monay/shared';

export class NotificationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'true: unread notifications only' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value,
  )
  @IsBoolean({ message: 'unread must be true or false' })
  unread?: boolean;
}

export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

/** A cursor that does not decode ends the list, never an error deep in SQL. */
export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [time, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(time ?? '');
  const valid = id && /^[0-9a-f-]{36}$/i.test(id) && !Number.isNaN(createdAt.getTime());
  return valid ? { createdAt, id } : { createdAt: new Date(0), id: '00000000-0000-0000-0000-000000000000' };
}
