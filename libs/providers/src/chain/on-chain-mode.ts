import type { AppConfig } from '#monay/shared';
import type { DepositWatcherDependencies } from './on-chain';
import type { TempoChainProvider } from './tempo-chain-provider';
import type { TempoChainRepository } from './tempo-chain.repository';
import type { TempoDepositWatcher } from './tempo-deposit-watcher';

/** Nest tokens of on-chain mode's parts: each is null when TEMPO_RPC_URL is not set. */
export const ON_CHAIN_PROVIDER = Symbol('OnChainProvider');
export const ON_CHAIN_DEPOSIT_WATCHER = Symbol('OnChainDepositWatcher');

/*
 * The chain code (viem: some 400 modules) is required only when on-chain mode is on, so that every other process
 * (and every test file) neither loads nor keeps it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand (see above)
const onChain = () => require('./on-chain') as typeof import('./on-chain');

export function onChainProvider(
  config: AppConfig,
  repository: TempoChainRepository,
): TempoChainProvider | null {
  return config.tempoChain ? onChain().chainProvider(config, repository) : null;
}

export function onChainDepositWatcher(
  provider: TempoChainProvider | null,
  repository: TempoChainRepository,
  dependencies: DepositWatcherDependencies,
): TempoDepositWatcher | null {
  return provider ? onChain().depositWatcher(provider, repository, dependencies) : null;
}
