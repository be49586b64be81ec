/**
 * Account ownership (Plaid Identity Match's shape): each field of the account holder's identity at the bank is scored
 * 0–100 against the user's verified identity at Monay; null when either side lacks it. At or above
 * {@link MATCH_THRESHOLD} a field matches. The link is accepted when email and phone match (and the name, when
 * both sides have one), refused when none of them matches, and held for review otherwise.
 */
export const MATCH_THRESHOLD = 70;

export interface IdentityScores {
  legalName: number | null;
  emailAddress: number | null;
  phoneNumber: number | null;
}

export type OwnershipOutcome =
  | { decision: 'verified' }
  | { decision: 'needs_review'; reason: string }
  | { decision: 'refused'; reason: string };

export function ownershipOf(scores: IdentityScores): OwnershipOutcome {
  const fields = Object.entries(scores).filter(([, score]) => score !== null) as Array<[string, number]>;
  if (fields.length === 0) return { decision: 'refused', reason: 'the bank shares no identity to compare' };
  const failing = fields.filter(([, score]) => score < MATCH_THRESHOLD).map(([field]) => field);
  if (failing.length === 0) return { decision: 'verified' };
  if (failing.length === fields.length) {
    return { decision: 'refused', reason: `the account holder does not match you (${failing.join(', ')})` };
  }
  return {
    decision: 'needs_review',
    reason: `some details of the account holder differ (${failing.join(', ')})`,
  };
}

/** Normalised similarity of two strings, 0–100 (100 − edit distance as a share of the longer length). */
export function similarity(a: string, b: string): number {
  const x = a.trim().toLowerCase();
  const y = b.trim().toLowerCase();
  if (x.length === 0 && y.length === 0) return 100;
  const previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i += 1) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= y.length; j += 1) {
      const above = previous[j];
      previous[j] = Math.min(
        previous[j] + 1,
        previous[j - 1] + 1,
        diagonal + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return Math.round(100 * (1 - previous[y.length] / Math.max(x.length, y.length)));
}

/** Phone numbers compare by their last ten digits. */
export function phoneScore(a: string, b: string): number {
  const digits = (value: string) => value.replace(/[^0-9]/g, '').slice(-10);
  return digits(a) === digits(b) && digits(a).length === 10
    ? 100
    : similarity(digits(a), digits(b)) >= 90
      ? 80
      : 0;
}
