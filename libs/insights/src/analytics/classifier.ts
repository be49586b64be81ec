import type { HistoryLine, HistoryLineType, MovementHints } from '../history';
import { categoryOfMcc, BILLER_TYPE_CATEGORIES, type BillerType } from './mcc-categories';
import { MERCHANTS, type MerchantDirectory, type MerchantMatch } from './merchant-directory';
import { categoryOfNote } from './note-keywords';
import {
  pairOf,
  type CategoryPair,
  type Confidence,
  type DetailedCategory,
  type PrimaryCategory,
} from './taxonomy';

export type Direction = 'in' | 'out';

/** What analytics makes of one line of history (or of a fee charged outside the lines). */
export interface Classification {
  category: PrimaryCategory;
  subCategory: DetailedCategory;
  confidence: Confidence;
  direction: Direction;
  /** Money between the user's own assets (a swap): counted neither as spending nor as income. */
  excluded: boolean;
  /** The merchant's name, when the movement was a purchase from a merchant. */
  merchant: string | null;
  /** Who the money went to or came from: the other Monay user's id, an address, a masked bank account. */
  counterparty: string | null;
}

/** Which way each type of line moves money for its owner. */
const DIRECTION: Record<HistoryLineType, Direction> = {
  deposit: 'in',
  transfer_in: 'in',
  swap_in: 'in',
  withdrawal: 'out',
  transfer_out: 'out',
  swap_out: 'out',
  card_payment: 'out',
  card_refund: 'in',
  reward: 'in',
};

export function directionOf(type: HistoryLineType): Direction {
  return DIRECTION[type];
}

function classified(
  detailed: DetailedCategory,
  confidence: Confidence,
  direction: Direction,
  extra: Partial<Pick<Classification, 'excluded' | 'merchant' | 'counterparty'>> = {},
): Classification {
  const pair: CategoryPair = pairOf(detailed);
  return {
    ...pair,
    confidence,
    direction,
    excluded: extra.excluded ?? false,
    merchant: extra.merchant ?? null,
    counterparty: extra.counterparty ?? null,
  };
}

/** A known merchant's category; an unknown one's from its MCC, if any. */
function merchantCategory(
  match: MerchantMatch,
  mcc: string | null,
): { detailed: DetailedCategory; confidence: Confidence } | null {
  if (match.merchant) return { detailed: match.merchant.category, confidence: match.confidence };
  const byMcc = mcc === null ? null : categoryOfMcc(mcc);
  return byMcc ? { detailed: byMcc, confidence: 'MEDIUM' } : null;
}

/**
 * The classification of a line: one case per kind of movement ({@link MovementHints}), so a new kind does not
 * compile until it is classified here. Pure: the same line always gets the same classification (a rebuild
 * reproduces it); user rules and corrections are applied on top, by the read model.
 */
export function classify(line: HistoryLine, merchants: MerchantDirectory = MERCHANTS): Classification {
  const direction = directionOf(line.type);
  const hints: MovementHints = line.hints;
  switch (hints.kind) {
    case 'p2p': {
      // Between Monay users: what the note says, else a transfer to (or from) another account.
      const counterparty = line.counterpartyUserId;
      const byNote = categoryOfNote(line.note, direction);
      if (byNote) return classified(byNote, 'MEDIUM', direction, { counterparty });
      const transfer = direction === 'out' ? 'TRANSFER_OUT_ACCOUNT_TRANSFER' : 'TRANSFER_IN_ACCOUNT_TRANSFER';
      return classified(transfer, 'HIGH', direction, { counterparty });
    }
    case 'deposit': {
      // From the user's own bank account or card: their money moving in. Crypto (or unknown): a deposit.
      if (hints.method === 'bank' || hints.method === 'card') {
        return classified('TRANSFER_IN_ACCOUNT_TRANSFER', 'HIGH', direction);
      }
      return classified('TRANSFER_IN_DEPOSIT', hints.method === 'crypto' ? 'HIGH' : 'MEDIUM', direction);
    }
    case 'withdrawal':
      return classified('TRANSFER_OUT_WITHDRAWAL', 'VERY_HIGH', direction, {
        counterparty: hints.destination,
      });
    case 'external_transfer': {
      // Sent on chain: a merchant's descriptor in the note makes it a purchase; else what the note says.
      const counterparty = hints.address === null ? null : hints.address.toLowerCase();
      const match = line.note ? merchants.match(line.note) : null;
      if (match?.merchant) {
        return classified(match.merchant.category, match.confidence, direction, {
          merchant: match.merchant.name,
          counterparty,
        });
      }
      const byNote = categoryOfNote(line.note, direction);
      if (byNote) return classified(byNote, 'MEDIUM', direction, { counterparty });
      return classified('TRANSFER_OUT_ACCOUNT_TRANSFER', 'MEDIUM', direction, { counterparty });
    }
    case 'swap':
      // Between the user's own assets: excluded from spending and income (its fee is still a fee).
      return classified(
        direction === 'out' ? 'TRANSFER_OUT_ACCOUNT_TRANSFER' : 'TRANSFER_IN_ACCOUNT_TRANSFER',
        'VERY_HIGH',
        direction,
        { excluded: true },
      );
    case 'bank':
      // Between the user's own bank account and wallet: moving their own money, excluded from spending and income
      // (a withdrawal is a withdrawal, as through a provider); a return undoes the movement it returns.
      if (hints.returnCode !== null) {
        return classified(
          direction === 'out' ? 'TRANSFER_OUT_ACCOUNT_TRANSFER' : 'TRANSFER_IN_ACCOUNT_TRANSFER',
          'VERY_HIGH',
          direction,
          { counterparty: hints.account, excluded: true },
        );
      }
      return hints.direction === 'in'
        ? classified('TRANSFER_IN_ACCOUNT_TRANSFER', 'VERY_HIGH', direction, { counterparty: hints.account })
        : classified('TRANSFER_OUT_WITHDRAWAL', 'VERY_HIGH', direction, { counterparty: hints.account });
    case 'bill': {
      // A bill by its biller's type; a reversal gives the money back (not income).
      const billerType = (
        hints.billerType in BILLER_TYPE_CATEGORIES ? hints.billerType : 'other'
      ) as BillerType;
      if (hints.reversal) {
        return classified('TRANSFER_IN_ACCOUNT_TRANSFER', 'VERY_HIGH', direction, {
          merchant: hints.billerName,
          excluded: true,
        });
      }
      return classifyBill({ billerType, billerName: hints.billerName });
    }
    case 'card': {
      // A purchase at a merchant (its refund: the same category, money back in).
      const purchase = classifyPurchase({ descriptor: hints.merchant, mcc: hints.mcc }, merchants);
      return { ...purchase, direction };
    }
    case 'reward':
      // Cashback for rewards points: income the user did not pay for, from Monay.
      return classified('INCOME_OTHER_INCOME', 'VERY_HIGH', direction, { merchant: 'Monay Rewards' });
    default:
      return unclassified(hints);
  }
}

/** A fee charged outside any line (a batch's fee): always a bank fee, money out. */
export function classifyFee(): Classification {
  return classified('BANK_FEES_OTHER_BANK_FEES', 'VERY_HIGH', 'out');
}

/** What a fee on a line (charged on top, withheld or inside) is counted as. */
export const FEE_CATEGORY: CategoryPair = pairOf('BANK_FEES_OTHER_BANK_FEES');

/**
 * A purchase from a merchant, as card spend will classify it (libs/cards): the directory's merchant and category
 * when it knows the descriptor, else the merchant category code's category, else other merchandise.
 */
export function classifyPurchase(
  purchase: { descriptor: string; mcc: string | null },
  merchants: MerchantDirectory = MERCHANTS,
): Classification {
  const match = merchants.match(purchase.descriptor);
  const name = match?.name || null;
  const known = match ? merchantCategory(match, purchase.mcc) : null;
  if (known) return classified(known.detailed, known.confidence, 'out', { merchant: name });
  const byMcc = purchase.mcc === null ? null : categoryOfMcc(purchase.mcc);
  if (byMcc) return classified(byMcc, 'MEDIUM', 'out', { merchant: name });
  return classified('GENERAL_MERCHANDISE_OTHER_GENERAL_MERCHANDISE', 'LOW', 'out', { merchant: name });
}

/** A bill paid through bill pay (libs/transfers, later), by its biller's type. */
export function classifyBill(bill: { billerType: BillerType; billerName: string }): Classification {
  return classified(BILLER_TYPE_CATEGORIES[bill.billerType], 'HIGH', 'out', { merchant: bill.billerName });
}

function unclassified(hints: never): never {
  throw new Error(`No classification for movements of kind ${(hints as MovementHints).kind}`);
}
