import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export class MissedEventsRequestDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The eventId of the last event the client has; omitted: the latest `limit` events',
  })
  @IsOptional()
  @IsUUID()
  since?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50, description: 'How many domain events' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
