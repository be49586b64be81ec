import type { DiscrepancyView, ReconciliationOutcome, ReconciliationTrigger } from '../reconciliation';

/**
 * A reconciliation run found something off: a provider balance the ledger does not explain, or a broken
 * ledger invariant. Written to the outbox in the transaction that stores the report. A system event: it
 * concerns no user (`userIds` is empty). Amounts are decimal strings.
 */
export const ReconciliationDiscrepancyFound = 'ReconciliationDiscrepancyFound';

export interface ReconciliationDiscrepancyFoundPayload extends Record<string, unknown> {
  reportId: string;
  trigger: ReconciliationTrigger;
  status: ReconciliationOutcome;
  counts: { discrepancies: number; ledgerBreaches: number; unreachableProviders: number };
  discrepancies: DiscrepancyView[];
  ledgerBreaches: Array<{ invariant: string; detail: string }>;
}
