import type { Provider, Type } from '@nestjs/common';
import { ProvidersHealthController } from './get-provider-health/providers-health.controller';
import { ProviderCallGuard } from './provider-call-guard';
import { ProviderCallMetrics } from './provider-call-metrics';
import { ProviderHealthMonitor } from './provider-health-monitor';
import { ProviderHealthStats } from './provider-health-stats';
import { ProviderRouter } from './provider-router';

export const ROUTING_PROVIDERS: Provider[] = [
  ProviderCallMetrics,
  ProviderHealthStats,
  ProviderCallGuard,
  ProviderRouter,
  ProviderHealthMonitor,
];
export const ROUTING_CONTROLLERS: Type[] = [ProvidersHealthController];
