import { ApiProperty } from '@nestjs/swagger';

export class ProviderLastErrorDto {
  @ApiProperty({ example: 'PROVIDER_UNAVAILABLE' }) code!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ description: 'When it happened (ISO 8601)' }) at!: string;
  @ApiProperty({ description: 'The routed operation, `status` or `health` (a probe)', example: 'withdraw' })
  operation!: string;
}

export class ProviderHealthDto {
  @ApiProperty({ enum: ['tempo', 'circle', 'monay'] }) name!: string;
  @ApiProperty({
    enum: ['up', 'degraded', 'down'],
    description:
      '`down`: the breaker is not closed (routing leaves the provider out); `degraded`: the breaker is closed ' +
      'but under 95% of the calls in the window were answered, or the last probe failed; `up` otherwise.',
  })
  state!: 'up' | 'degraded' | 'down';
  @ApiProperty({ enum: ['closed', 'open', 'half-open', 'isolated'] }) breaker!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '0.98',
    description:
      'Share of the calls in the window (last 200 calls within 5 minutes, probes included) the provider ' +
      'answered — accepted, or refused on the merits — rounded down to 2 decimals; null without calls.',
  })
  successRate!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: '95th percentile latency (nearest rank), ms' })
  p95LatencyMs!: number | null;
  @ApiProperty({ description: 'Calls in the window' }) calls!: number;
  @ApiProperty({ type: ProviderLastErrorDto, nullable: true }) lastError!: ProviderLastErrorDto | null;
  @ApiProperty({ type: String, nullable: true }) lastProbeAt!: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) lastProbeOk!: boolean | null;
}

export class ProvidersHealthResponseDto {
  @ApiProperty({ example: true }) success!: true;
  @ApiProperty({ type: [ProviderHealthDto] }) providers!: ProviderHealthDto[];
}
