import type { AppConfig } from '#monay/shared';
import { TempoChain } from './tempo-chain';
import { TempoChainProvider } from './tempo-chain-provider';
import type { TempoChainRepository } from './tempo-chain.repository';
import { TempoDepositWatcher } from './tempo-deposit-watcher';

export type DepositWatcherDependencies =
  ConstructorParameters<typeof TempoDepositWatcher> extends [unknown, unknown, ...infer Rest] ? Rest : never;

/** Tempo's provider on the EVM node (its own chain client). Loaded only in on-chain mode (on-chain-mode.ts). */
export function chainProvider(config: AppConfig, repository: TempoChainRepository): TempoChainProvider {
  return new TempoChainProvider(new TempoChain(config, repository), repository);
}

/** The deposit watcher, on the provider's chain client. */
export function depositWatcher(
  provider: TempoChainProvider,
  repository: TempoChainRepository,
  dependencies: DepositWatcherDependencies,
): TempoDepositWatcher {
  return new TempoDepositWatcher(provider.chain, repository, ...dependencies);
}
