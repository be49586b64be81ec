import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Metrics } from '#monay/shared';
import { STABLECOIN_PROVIDERS, type StablecoinProvider } from './domain/stablecoin-provider.port';
import { MovementExceptionRepository } from './movements/movement-exception.repository';
import { ReconciliationRepository } from './reconciliation/reconciliation.repository';
import { ProviderCallGuard } from './routing/provider-call-guard';

/**
 * What the providers context shows on `/metrics`, read at scrape time (docs/operations.md, Monitoring; the alert
 * rules in deploy/monitoring/alerts.yml):
 * - `monay_provider_breaker_open{provider}`: 1 while the provider's circuit breaker keeps it out of routing
 *   (open, half-open while a trial call runs, or isolated), else 0 — this process's breakers;
 * - `monay_reconciliation_discrepancies`: discrepancies and ledger breaches in the latest finished report;
 * - `monay_movement_exceptions_open`: provider-completed movements held in suspense for an operator.
 * Processes without the HTTP platform (the worker) have no `/metrics`: there this registers nothing.
 */
@Injectable()
export class ProviderGauges implements OnModuleInit {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly guard: ProviderCallGuard,
    @Inject(STABLECOIN_PROVIDERS) private readonly providers: StablecoinProvider[],
    private readonly reports: ReconciliationRepository,
    private readonly exceptions: MovementExceptionRepository,
  ) {}

  onModuleInit(): void {
    let metrics: Metrics;
    try {
      metrics = this.moduleRef.get(Metrics, { strict: false });
    } catch {
      return; // no HttpPlatformModule in this process
    }
    metrics.gauge(
      'monay_provider_breaker_open',
      "1 while a provider's circuit breaker keeps it out of routing (this process's breakers)",
      ['provider'],
      async () => {
        const names = this.providers.map((provider) => provider.name);
        const out = this.guard.unavailableBreakers(names);
        return names.map((provider) => ({ labels: { provider }, value: out.has(provider) ? 1 : 0 }));
      },
    );
    metrics.gauge(
      'monay_reconciliation_discrepancies',
      'Discrepancies and ledger breaches in the latest finished reconciliation report',
      [],
      async () => [{ value: (await this.reports.latestFinished())?.discrepancyCount ?? 0 }],
    );
    metrics.gauge(
      'monay_movement_exceptions_open',
      'Provider-completed movements the ledger could not book, held in suspense for an operator',
      [],
      async () => [{ value: await this.exceptions.countOpen() }],
    );
  }
}
