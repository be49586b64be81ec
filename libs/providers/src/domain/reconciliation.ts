import { CURRENCY_CODES, Money, type CurrencyCode } from '#monay/kernel';
import type { ProviderName, ProviderTransaction, StablecoinProvider } from './stablecoin-provider.port';

/**
 * Provider reconciliation (helper brief, "Money semantics through providers"): the ledger balance of each
 * provider clearing account is the NEGATIVE of our omnibus balance at that provider counting its COMPLETED
 * transactions only. So for every provider and currency, reported + clearing = 0, except for money the
 * provider has completed and we have not booked yet ("in transit"). Whatever remains is a discrepancy.
 */
export const RECONCILIATION_TRIGGERS = ['schedule', 'admin'] as const;
export type ReconciliationTrigger = (typeof RECONCILIATION_TRIGGERS)[number];

export const RECONCILIATION_STATUSES = ['running', 'ok', 'discrepancies', 'failed'] as const;
export type ReconciliationStatus = (typeof RECONCILIATION_STATUSES)[number];

/** A finished run's status. */
export type ReconciliationOutcome = Exclude<ReconciliationStatus, 'running'>;

/** A change of our omnibus balance at a provider, in one currency (signed minor units). */
export interface BalanceEffect {
  currency: CurrencyCode;
  amount: bigint;
}

/**
 * How a COMPLETED provider transaction changed our omnibus balance there, as the provider counts it:
 * deposit +(amount − fee) (the provider withholds its fee); withdraw, transfer out and batch −(amount + fee);
 * swap −amount sold (its fee is inside it) and +amount delivered in the currency bought.
 */
export function balanceEffects(transaction: ProviderTransaction): BalanceEffect[] {
  const { currency, amount, fee } = transaction;
  switch (transaction.operation) {
    case 'deposit':
      return [{ currency, amount: amount - fee }];
    case 'swap':
      return [
        { currency, amount: -amount },
        ...(transaction.swapOut
          ? [{ currency: transaction.swapOut.currency, amount: transaction.swapOut.amount }]
          : []),
      ];
    default:
      return [{ currency, amount: -(amount + fee) }];
  }
}

/** Σ of the effects of the transactions that are completed, per currency (absent currency: 0). */
export function inTransitTotals(transactions: readonly ProviderTransaction[]): Map<CurrencyCode, bigint> {
  const totals = new Map<CurrencyCode, bigint>();
  for (const transaction of transactions) {
    if (transaction.status !== 'completed') continue;
    for (const effect of balanceEffects(transaction)) {
      totals.set(effect.currency, (totals.get(effect.currency) ?? 0n) + effect.amount);
    }
  }
  return totals;
}

/** One provider and currency, compared. */
export interface BalanceComparison {
  currency: CurrencyCode;
  /** Our omnibus balance the provider reports. */
  reported: bigint;
  /** The ledger balance of the provider's clearing account. */
  ledger: bigint;
  /** reported + ledger: what the provider holds that the ledger does not mirror (0 when all is booked). */
  difference: bigint;
  /** Completed at the provider, not yet booked by us: explains that much of the difference. */
  inTransit: bigint;
  /** difference − inTransit: a discrepancy unless 0. */
  unexplained: bigint;
}

export function compareBalance(
  currency: CurrencyCode,
  reported: bigint,
  ledger: bigint,
  inTransit: bigint,
): BalanceComparison {
  const difference = reported + ledger;
  return { currency, reported, ledger, difference, inTransit, unexplained: difference - inTransit };
}

/** Every currency the provider supports for some operation. */
export function supportedCurrencies(provider: Pick<StablecoinProvider, 'capabilities'>): Set<CurrencyCode> {
  return new Set(Object.values(provider.capabilities.currencies).flat());
}

/**
 * The comparisons of one reachable provider: every currency it supports, reports, has a clearing balance
 * in, or has money in transit in; in registry order.
 */
export function compareProvider(input: {
  supported: Iterable<CurrencyCode>;
  reported: ReadonlyMap<CurrencyCode, bigint>;
  ledger: ReadonlyMap<CurrencyCode, bigint>;
  inTransit: ReadonlyMap<CurrencyCode, bigint>;
}): BalanceComparison[] {
  const nonZero = (map: ReadonlyMap<CurrencyCode, bigint>) =>
    [...map].filter(([, amount]) => amount !== 0n).map(([currency]) => currency);
  const currencies = new Set<CurrencyCode>([
    ...input.supported,
    ...input.reported.keys(),
    ...nonZero(input.ledger),
    ...nonZero(input.inTransit),
  ]);
  return inRegistryOrder(currencies).map((currency) =>
    compareBalance(
      currency,
      input.reported.get(currency) ?? 0n,
      input.ledger.get(currency) ?? 0n,
      input.inTransit.get(currency) ?? 0n,
    ),
  );
}

function inRegistryOrder(currencies: Set<CurrencyCode>): CurrencyCode[] {
  const order = (code: CurrencyCode) => {
    const index = CURRENCY_CODES.indexOf(code);
    return index < 0 ? CURRENCY_CODES.length : index;
  };
  return [...currencies].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
}

/** failed if any provider could not be checked (or the run broke); else discrepancies if anything is off. */
export function outcomeOf(input: {
  unreachableProviders: number;
  discrepancies: number;
  ledgerBreaches: number;
  error?: boolean;
}): ReconciliationOutcome {
  if (input.error || input.unreachableProviders > 0) return 'failed';
  if (input.discrepancies > 0 || input.ledgerBreaches > 0) return 'discrepancies';
  return 'ok';
}

// The report, as stored (jsonb) and answered: amounts are decimal strings of the line's currency. ---------

export interface BalanceLineView {
  currency: CurrencyCode;
  /** The provider's reported balance; null when it could not be asked. */
  provider: string | null;
  ledger: string;
  difference: string | null;
  inTransit: string | null;
  unexplained: string | null;
  /** null when the provider could not be asked. */
  ok: boolean | null;
}

export interface ProviderReportView {
  name: ProviderName;
  reachable: boolean;
  /** Why the provider could not be reconciled (unreachable). */
  error?: { code: string; message: string };
  balances: BalanceLineView[];
  /** Our movements the provider has completed that we had not booked yet (their ids = our idempotency keys). */
  inTransitMovements: string[];
}

export interface DiscrepancyView {
  provider: ProviderName;
  currency: CurrencyCode;
  ledger: string;
  /** The provider's reported balance. */
  reported: string;
  difference: string;
  inTransit: string;
  unexplained: string;
}

export interface LedgerCheckView {
  ok: boolean;
  breaches: Array<{ invariant: string; detail: string }>;
}

/** What a finished run found (the `report` column). */
export interface ReconciliationFindings {
  /** Snapshots taken: a difference is only reported if it is still there at the last one. */
  attempts: number;
  providers: ProviderReportView[];
  ledger: LedgerCheckView | null;
  discrepancies: DiscrepancyView[];
  /** Set when the run itself broke (not a provider being down). */
  error?: string;
}

export interface ReconciliationReportView extends ReconciliationFindings {
  id: string;
  trigger: ReconciliationTrigger;
  status: ReconciliationStatus;
  startedAt: string;
  finishedAt: string | null;
  discrepancyCount: number;
}

const decimal = (amount: bigint, currency: CurrencyCode) => Money.of(amount, currency).toDecimalString();

export function balanceLineView(line: BalanceComparison): BalanceLineView {
  const { currency } = line;
  return {
    currency,
    provider: decimal(line.reported, currency),
    ledger: decimal(line.ledger, currency),
    difference: decimal(line.difference, currency),
    inTransit: decimal(line.inTransit, currency),
    unexplained: decimal(line.unexplained, currency),
    ok: line.unexplained === 0n,
  };
}

/** A provider that could not be asked: only our side is known. */
export function ledgerOnlyLineView(currency: CurrencyCode, ledger: bigint): BalanceLineView {
  return {
    currency,
    provider: null,
    ledger: decimal(ledger, currency),
    difference: null,
    inTransit: null,
    unexplained: null,
    ok: null,
  };
}

export function discrepancyView(provider: ProviderName, line: BalanceComparison): DiscrepancyView {
  const { currency } = line;
  return {
    provider,
    currency,
    ledger: decimal(line.ledger, currency),
    reported: decimal(line.reported, currency),
    difference: decimal(line.difference, currency),
    inTransit: decimal(line.inTransit, currency),
    unexplained: decimal(line.unexplained, currency),
  };
}
