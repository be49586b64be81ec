import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { PROVIDER_MODES, type ProviderMode } from '#monay/shared';

export class SetProviderModeRequestDto {
  @ApiProperty({ enum: PROVIDER_MODES, example: 'degraded' })
  @IsIn(PROVIDER_MODES)
  mode!: ProviderMode;

  @ApiPropertyOptional({
    description:
      'Share of mutating calls refused (PROVIDER_UNAVAILABLE) before acceptance; default 0.3 when degraded, else 0',
    minimum: 0,
    maximum: 1,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  failureRate?: number;

  @ApiPropertyOptional({
    description:
      'Extra latency per call in ms, before the sandbox latency scale; default 400 when degraded, else 0',
    minimum: 0,
    maximum: 60_000,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60_000)
  addedLatencyMs?: number;

  @ApiPropertyOptional({
    description: 'Share of accepted transactions that end FAILED at settlement; default 0',
    minimum: 0,
    maximum: 1,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  failAfterAcceptRate?: number;

  @ApiPropertyOptional({
    description:
      'Timeout mode only: the write of a timed-out call lands late, `lateByMs` after the caller timed out (after ' +
      'its status query), and is paid all the same; default false',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  late?: boolean;

  @ApiPropertyOptional({
    description:
      'With `late`: how long after the caller’s timeout the write lands, in ms; default half the call timeout',
    minimum: 0,
    maximum: 600_000,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(600_000)
  lateByMs?: number;
}
