import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Histogram } from 'prom-client';
import { Metrics } from '#monay/shared';
import type { CallRecord } from './provider-health-stats';

/**
 * `monay_provider_call_seconds{provider,operation,outcome}` on the process's `/metrics` registry. Processes
 * without the HTTP platform (the worker) have no `/metrics`, so there this records nothing.
 */
@Injectable()
export class ProviderCallMetrics implements OnModuleInit {
  private histogram: Histogram<'provider' | 'operation' | 'outcome'> | undefined;

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    let metrics: Metrics;
    try {
      metrics = this.moduleRef.get(Metrics, { strict: false });
    } catch {
      return; // no HttpPlatformModule in this process
    }
    this.histogram = new Histogram({
      name: 'monay_provider_call_seconds',
      help: 'Stablecoin provider calls by provider, operation (health: probes) and outcome',
      labelNames: ['provider', 'operation', 'outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [metrics.registry],
    });
  }

  observe(call: CallRecord): void {
    this.histogram?.observe(
      { provider: call.provider, operation: call.operation, outcome: call.outcome },
      call.latencyMs / 1000,
    );
  }
}
