import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProviderHealthMonitor } from '../provider-health-monitor';
import { ProvidersHealthResponseDto } from './providers-health.response.dto';
import { ApiErrorResponses } from '#monay/shared';

@ApiTags('providers')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('providers')
export class ProvidersHealthController {
  constructor(private readonly monitor: ProviderHealthMonitor) {}

  @ApiErrorResponses()
  @Get('health')
  @ApiOperation({
    summary: 'Stablecoin provider health as this server sees it',
    description:
      'Each provider, in the default priority order: its circuit breaker, a state derived from it and from ' +
      'the success rate of recent calls, latency and the last error and health probe. Figures are those of ' +
      'the API process answering (each process keeps its own breakers and statistics).',
  })
  @ApiOkResponse({ type: ProvidersHealthResponseDto })
  health(): ProvidersHealthResponseDto {
    return { success: true, providers: this.monitor.report() };
  }
}
