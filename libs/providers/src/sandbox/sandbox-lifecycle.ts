import type { ProviderTransactionStatus } from '../domain/stablecoin-provider.port';

/**
 * A provider's status lifecycle: the vendor states a transaction passes through while pending, each entered
 * at a fraction of its settlement time, then one terminal state. Circle: INITIATED → QUEUED → SENT →
 * CONFIRMED → COMPLETE | FAILED.
 */
export interface Lifecycle {
  /** Settlement time range in ms, before the sandbox latency scale. */
  settlementMs: readonly [number, number];
  /** Pending states in order; the first starts at 0. */
  pending: ReadonlyArray<{ status: string; from: number }>;
  completed: string;
  failed: string;
}

export interface LifecycleState {
  /** 0 … pending.length − 1 while pending; pending.length once settled. Only ever grows. */
  stage: number;
  status: ProviderTransactionStatus;
  providerStatus: string;
  settledAt: Date | null;
}

/** The stage number of a settled transaction. */
export function terminalStage(lifecycle: Lifecycle): number {
  return lifecycle.pending.length;
}

/** Where a transaction accepted at `createdAt`, due at `settlesAt`, stands at `now`: a function of time only. */
export function stateAt(
  lifecycle: Lifecycle,
  transaction: { createdAt: Date; settlesAt: Date; outcome: 'completed' | 'failed' },
  now: Date,
): LifecycleState {
  const created = transaction.createdAt.getTime();
  const settles = transaction.settlesAt.getTime();
  if (now.getTime() >= settles) {
    return {
      stage: terminalStage(lifecycle),
      status: transaction.outcome,
      providerStatus: transaction.outcome === 'completed' ? lifecycle.completed : lifecycle.failed,
      settledAt: transaction.settlesAt,
    };
  }
  const elapsed = (now.getTime() - created) / (settles - created);
  let stage = 0;
  lifecycle.pending.forEach((state, index) => {
    if (elapsed >= state.from) stage = index;
  });
  return { stage, status: 'pending', providerStatus: lifecycle.pending[stage].status, settledAt: null };
}
