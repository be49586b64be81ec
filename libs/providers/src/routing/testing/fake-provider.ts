import type { CurrencyCode, Money } from '#monay/kernel';
import type {
  ProviderCapabilities,
  ProviderEstimate,
  ProviderHealthReport,
  ProviderName,
  ProviderSwapQuote,
  ProviderTransaction,
  RoutedOperation,
  StablecoinProvider,
} from '../../domain/stablecoin-provider.port';

type FeeModel = (operation: RoutedOperation, amount: bigint, legs: number) => bigint;

export interface FakeModel {
  name: ProviderName;
  currencies: Partial<Record<RoutedOperation, readonly CurrencyCode[]>>;
  fee: FeeModel;
  settlementMs: number;
}

const ALL: readonly CurrencyCode[] = ['USDC', 'USDT', 'PYUSD', 'EURC'];

/** The sandboxes' published fee and speed models (helper brief), in 6-decimal minor units. */
export const MODELS: Record<ProviderName, FakeModel> = {
  tempo: {
    name: 'tempo',
    currencies: { deposit: ALL, withdraw: ALL, transferOut: ALL, batchTransfer: ALL, swap: ALL },
    fee: (operation, amount) => {
      if (operation === 'deposit' || operation === 'withdraw') {
        const fee = amount / 1000n; // 0.10%
        return fee < 100n ? 100n : fee;
      }
      if (operation === 'swap') return (amount * 3n) / 10_000n;
      return 100n; // 0.0001 per transaction or batch
    },
    settlementMs: 60,
  },
  circle: {
    name: 'circle',
    currencies: { deposit: ['USDC', 'EURC'], withdraw: ['USDC', 'EURC'], transferOut: ['USDC', 'EURC'] },
    fee: (operation) => (operation === 'withdraw' ? 1_000_000n : operation === 'transferOut' ? 20_000n : 0n),
    settlementMs: 2500,
  },
  monay: {
    name: 'monay',
    currencies: {
      deposit: ['USDC', 'USDT'],
      withdraw: ['USDC', 'USDT'],
      transferOut: ['USDC', 'USDT'],
      swap: ['USDC', 'USDT'],
    },
    fee: (operation, amount) => (operation === 'swap' ? amount / 1000n : 500_000n),
    settlementMs: 1500,
  },
};

let sequence = 0;

/**
 * A scriptable in-memory StablecoinProvider for router and policy tests: every mutating call runs
 * `onCall`, status queries `onStatus`, probes `onHealth`; counters say what was called.
 */
export class FakeProvider implements StablecoinProvider {
  readonly name: ProviderName;
  readonly capabilities: ProviderCapabilities;
  calls = 0;
  statusCalls = 0;
  healthCalls = 0;
  /** What the provider does with a mutating call (default: accepts it, pending). */
  onCall: (idempotencyKey: string, amount: Money) => Promise<ProviderTransaction>;
  onStatus: (idempotencyKey: string) => Promise<ProviderTransaction | null> = async () => null;
  onHealth: () => Promise<ProviderHealthReport> = async () => ({ ok: true, latencyMs: 1 });

  constructor(private readonly model: FakeModel) {
    this.name = model.name;
    this.capabilities = {
      currencies: {
        deposit: model.currencies.deposit ?? [],
        withdraw: model.currencies.withdraw ?? [],
        transferOut: model.currencies.transferOut ?? [],
        batchTransfer: model.currencies.batchTransfer ?? [],
        swap: model.currencies.swap ?? [],
      },
      nativeBatch: (model.currencies.batchTransfer ?? []).length > 0,
      typicalSettlementMs: model.settlementMs,
    };
    this.onCall = async (idempotencyKey, amount) => this.transaction(idempotencyKey, amount);
  }

  static of(name: ProviderName, overrides: Partial<FakeModel> = {}): FakeProvider {
    return new FakeProvider({ ...MODELS[name], ...overrides });
  }

  /** The transaction this provider would report for `idempotencyKey`. */
  transaction(idempotencyKey: string, amount: Money): ProviderTransaction {
    sequence += 1;
    return {
      provider: this.name,
      providerTransactionId: `${this.name}-${sequence}`,
      idempotencyKey,
      operation: 'transferOut',
      status: 'pending',
      providerStatus: 'submitted',
      currency: amount.code,
      amount: amount.minor,
      fee: this.model.fee('transferOut', amount.minor, 1),
      createdAt: new Date(),
    };
  }

  estimate(operation: RoutedOperation, amount: Money, legs = 1): ProviderEstimate {
    return { fee: this.model.fee(operation, amount.minor, legs), settlementMs: this.model.settlementMs };
  }

  async createWallet(input: { idempotencyKey: string; userId: string }) {
    return { walletId: `${this.name}-${input.userId}`, address: `0x${'0'.repeat(40)}` };
  }

  deposit(input: { idempotencyKey: string; amount: Money }): Promise<ProviderTransaction> {
    return this.mutate(input.idempotencyKey, input.amount);
  }

  withdraw(input: { idempotencyKey: string; amount: Money }): Promise<ProviderTransaction> {
    return this.mutate(input.idempotencyKey, input.amount);
  }

  transferOut(input: { idempotencyKey: string; amount: Money }): Promise<ProviderTransaction> {
    return this.mutate(input.idempotencyKey, input.amount);
  }

  batchTransfer(input: { idempotencyKey: string; transfers: Array<{ amount: Money }> }) {
    return this.mutate(input.idempotencyKey, input.transfers[0].amount);
  }

  async quoteSwap(): Promise<ProviderSwapQuote> {
    throw new Error('not used by router tests');
  }

  executeSwap(input: { idempotencyKey: string; quote: ProviderSwapQuote }): Promise<ProviderTransaction> {
    throw new Error(`not used by router tests (${input.idempotencyKey})`);
  }

  async getBalances(): Promise<Array<{ currency: CurrencyCode; amount: bigint }>> {
    return [];
  }

  getTransactionStatus(idempotencyKey: string): Promise<ProviderTransaction | null> {
    this.statusCalls += 1;
    return this.onStatus(idempotencyKey);
  }

  health(): Promise<ProviderHealthReport> {
    this.healthCalls += 1;
    return this.onHealth();
  }

  private mutate(idempotencyKey: string, amount: Money): Promise<ProviderTransaction> {
    this.calls += 1;
    return this.onCall(idempotencyKey, amount);
  }
}

/** Never settles: a provider that does not answer. */
export function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}
