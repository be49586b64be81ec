import { Module } from '@nestjs/common';
import { IdentityModule } from '#monay/identity';
import { LedgerModule } from '#monay/ledger';
import { WalletModule } from '#monay/wallet';
import { LedgerService } from '#monay/ledger';
import { AppConfig, OutboxRelay, OutboxWriter, UnitOfWork } from '#monay/shared';
import { WalletAccess } from '#monay/wallet';
import {
  ON_CHAIN_DEPOSIT_WATCHER,
  ON_CHAIN_PROVIDER,
  onChainDepositWatcher,
  onChainProvider,
} from './chain/on-chain-mode';
import type { TempoChainProvider } from './chain/tempo-chain-provider';
import { TempoChainRepository } from './chain/tempo-chain.repository';
import { TempoDepositWatchProcessor } from './chain/tempo-deposit-watch.processor';
import { STABLECOIN_PROVIDERS } from './domain/stablecoin-provider.port';
import { EstimateExternalTransferHandler } from './movements/estimate-external-transfer/estimate-external-transfer.handler';
import { GetExternalTransferHandler } from './movements/get-external-transfer/get-external-transfer.handler';
import { GetMovementController } from './movements/get-movement/get-movement.controller';
import { GetMovementHandler } from './movements/get-movement/get-movement.handler';
import { HandleProviderWebhookHandler } from './movements/handle-provider-webhook/handle-provider-webhook.handler';
import { ProviderWebhooksController } from './movements/handle-provider-webhook/provider-webhooks.controller';
import { ListMovementExceptionsController } from './movements/list-movement-exceptions/list-movement-exceptions.controller';
import { ListMovementExceptionsHandler } from './movements/list-movement-exceptions/list-movement-exceptions.handler';
import { MovementEngine } from './movements/movement-engine';
import { MovementExceptionRepository } from './movements/movement-exception.repository';
import { MovementLedger } from './movements/movement-ledger';
import { MovementPoller } from './movements/movement-poller';
import { MovementPolicies } from './movements/movement-policy';
import { MovementRepository } from './movements/movement.repository';
import { ExternalPayments } from './movements/external-payments';
import { PayoutDestinations } from './movements/payout-destinations';
import { ProviderPollProcessor } from './movements/provider-poll.processor';
import { DepositPolicy } from './movements/request-deposit/deposit.policy';
import { RequestDepositController } from './movements/request-deposit/request-deposit.controller';
import { RequestDepositHandler } from './movements/request-deposit/request-deposit.handler';
import { RequestWithdrawalController } from './movements/request-withdrawal/request-withdrawal.controller';
import { RequestWithdrawalHandler } from './movements/request-withdrawal/request-withdrawal.handler';
import { WithdrawalPolicy } from './movements/request-withdrawal/withdrawal.policy';
import { RetryMovementExceptionController } from './movements/retry-movement-exception/retry-movement-exception.controller';
import { RetryMovementExceptionHandler } from './movements/retry-movement-exception/retry-movement-exception.handler';
import { ExternalBatchPolicy } from './movements/send-external-batch/external-batch.policy';
import { SendExternalBatchHandler } from './movements/send-external-batch/send-external-batch.handler';
import { ExternalTransferPolicy } from './movements/send-external-transfer/external-transfer.policy';
import { SendExternalTransferHandler } from './movements/send-external-transfer/send-external-transfer.handler';
import { WebhookEventRepository } from './movements/webhook-event.repository';
import { ProviderGauges } from './provider-gauges';
import { CreateProviderWalletsProcessor } from './provider-wallets/create-provider-wallets.processor';
import { ProviderWalletsController } from './provider-wallets/list-provider-wallets/provider-wallets.controller';
import { ProviderWalletRepository } from './provider-wallets/provider-wallet.repository';
import { ProviderWallets } from './provider-wallets/provider-wallets';
import { AutoConvert, AutoConvertOnArrival } from './swaps/auto-convert/auto-convert';
import { AutoBalanceController } from './swaps/auto-balance/auto-balance.controller';
import { AutoBalanceRepository } from './swaps/auto-balance/auto-balance.repository';
import { AutoBalanceOnMovement, AutoBalancer } from './swaps/auto-balance/auto-balancer';
import { LedgerInvariantCheck, ProviderReconciler } from './reconciliation/provider-reconciler';
import { ReconciliationReportsController } from './reconciliation/read-reconciliation-reports/reconciliation-reports.controller';
import { ReconcileProvidersProcessor } from './reconciliation/reconcile-providers.processor';
import { ReconciliationRepository } from './reconciliation/reconciliation.repository';
import { RunReconciliationController } from './reconciliation/run-reconciliation/run-reconciliation.controller';
import { ProvidersHealthController } from './routing/get-provider-health/providers-health.controller';
import { ProviderCallGuard } from './routing/provider-call-guard';
import { ProviderCallMetrics } from './routing/provider-call-metrics';
import { ProviderHealthMonitor } from './routing/provider-health-monitor';
import { ProviderHealthStats } from './routing/provider-health-stats';
import { ProviderRouter } from './routing/provider-router';
import { CircleSandbox } from './sandbox/circle-sandbox';
import { MonaySandbox } from './sandbox/monay-sandbox';
import { AdminProvidersController } from './sandbox/provider-modes/admin-providers.controller';
import { SandboxControl } from './sandbox/sandbox-control';
import { SandboxRandom } from './sandbox/sandbox-random';
import { SandboxRuntime } from './sandbox/sandbox-runtime';
import { SandboxWebhooks } from './sandbox/sandbox-webhooks';
import { SandboxRepository } from './sandbox/sandbox.repository';
import { TempoSandbox } from './sandbox/tempo-sandbox';
import { WebhookTarget } from './sandbox/webhook-target';
import { ExecuteSwapController } from './swaps/execute-swap/execute-swap.controller';
import { ExecuteSwapHandler } from './swaps/execute-swap/execute-swap.handler';
import { GetSwapController } from './swaps/get-swap/get-swap.controller';
import { GetSwapHandler } from './swaps/get-swap/get-swap.handler';
import { QuoteSwapController } from './swaps/quote-swap/quote-swap.controller';
import { QuoteSwapHandler } from './swaps/quote-swap/quote-swap.handler';
import { SwapLedger } from './swaps/swap-ledger';
import { SwapQuoteRepository } from './swaps/swap-quote.repository';
import { SwapQuoter } from './swaps/swap-quoter';
import { SwapPolicy } from './swaps/swap.policy';

/**
 * Money in and out through stablecoin providers (docs/architecture.md, Providers and routing): the sandbox
 * adapters behind one port, the router (priority, breakers, fallback), the movement engine (deposits,
 * withdrawals, external transfers, swaps) and provider reconciliation. Each use case is a folder (its
 * route, command or query, handler, DTOs); what several share sits beside them.
 */
@Module({
  imports: [LedgerModule, WalletModule, IdentityModule],
  controllers: [
    AutoBalanceController,
    // sandbox and provider wallets
    AdminProvidersController,
    ProviderWalletsController,
    // routing
    ProvidersHealthController,
    // movements
    RequestDepositController,
    RequestWithdrawalController,
    GetMovementController,
    ProviderWebhooksController,
    ListMovementExceptionsController,
    RetryMovementExceptionController,
    // swaps
    QuoteSwapController,
    ExecuteSwapController,
    GetSwapController,
    // reconciliation
    RunReconciliationController,
    ReconciliationReportsController,
  ],
  providers: [
    // auto-convert: arrivals swapped to the preferred currency
    AutoConvert,
    AutoConvertOnArrival,
    // auto-balance: a target kept by swaps
    AutoBalanceRepository,
    AutoBalancer,
    AutoBalanceOnMovement,
    // sandbox: the vendors' side, their modes and webhooks
    SandboxRepository,
    SandboxRandom,
    SandboxControl,
    WebhookTarget,
    SandboxWebhooks,
    SandboxRuntime,
    TempoSandbox,
    CircleSandbox,
    MonaySandbox,
    // on-chain mode (TEMPO_RPC_URL): Tempo on an EVM node instead of its sandbox; null when off
    TempoChainRepository,
    {
      provide: ON_CHAIN_PROVIDER,
      useFactory: onChainProvider,
      inject: [AppConfig, TempoChainRepository],
    },
    {
      provide: ON_CHAIN_DEPOSIT_WATCHER,
      useFactory: (
        provider: TempoChainProvider | null,
        repository: TempoChainRepository,
        ...dependencies: Parameters<typeof onChainDepositWatcher>[2]
      ) => onChainDepositWatcher(provider, repository, dependencies),
      inject: [
        ON_CHAIN_PROVIDER,
        TempoChainRepository,
        MovementEngine,
        DepositPolicy,
        UnitOfWork,
        OutboxWriter,
        OutboxRelay,
        WalletAccess,
        LedgerService,
        MovementRepository,
      ],
    },
    TempoDepositWatchProcessor,
    // the router's candidates, in the default priority
    {
      provide: STABLECOIN_PROVIDERS,
      useFactory: (
        tempo: TempoSandbox,
        onChain: TempoChainProvider | null,
        circle: CircleSandbox,
        monay: MonaySandbox,
      ) => [onChain ?? tempo, circle, monay],
      inject: [TempoSandbox, ON_CHAIN_PROVIDER, CircleSandbox, MonaySandbox],
    },
    // provider wallets
    ProviderWalletRepository,
    ProviderWallets,
    CreateProviderWalletsProcessor,
    // routing
    ProviderCallMetrics,
    ProviderHealthStats,
    ProviderCallGuard,
    ProviderRouter,
    ProviderHealthMonitor,
    // movements: the engine and what it shares
    MovementRepository,
    MovementExceptionRepository,
    WebhookEventRepository,
    MovementPolicies,
    MovementLedger,
    MovementEngine,
    MovementPoller,
    ProviderPollProcessor,
    PayoutDestinations,
    ExternalPayments,
    // movements: the use cases
    DepositPolicy,
    RequestDepositHandler,
    WithdrawalPolicy,
    RequestWithdrawalHandler,
    GetMovementHandler,
    HandleProviderWebhookHandler,
    RetryMovementExceptionHandler,
    ListMovementExceptionsHandler,
    ExternalTransferPolicy,
    SendExternalTransferHandler,
    ExternalBatchPolicy,
    SendExternalBatchHandler,
    EstimateExternalTransferHandler,
    GetExternalTransferHandler,
    // swaps
    SwapQuoteRepository,
    SwapQuoter,
    SwapLedger,
    SwapPolicy,
    QuoteSwapHandler,
    ExecuteSwapHandler,
    GetSwapHandler,
    // reconciliation
    ReconciliationRepository,
    LedgerInvariantCheck,
    ProviderReconciler,
    ReconcileProvidersProcessor,
    // what /metrics shows of providers
    ProviderGauges,
  ],
  exports: [ExternalPayments, ProviderWallets],
})
export class ProvidersModule {}
