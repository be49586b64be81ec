import { Money, type CurrencyCode } from '#monay/kernel';
import type { DomainEvent, MoneyMovementEventName } from '#monay/shared';
import { maskRecipient } from '#monay/transfers';

/**
 * What a user sees of money movements, written once (docs/architecture.md, "One history line"): the activity
 * projection stores these lines, the portfolio applies the posted deltas, and the realtime gateway sends the lines
 * as `transaction.updated` and the touched balances as `balance.updated`.
 */

/** Every type a history line may have (`GET /api/transactions?type=` takes these). */
export const HISTORY_LINE_TYPES = [
  'deposit',
  'withdrawal',
  'transfer_out',
  'transfer_in',
  'swap_out',
  'swap_in',
  'card_payment',
  'card_refund',
  'reward',
] as const;

export type HistoryLineType = (typeof HISTORY_LINE_TYPES)[number];

/** `processing`: under way at a provider; it becomes `completed` or `failed`, and a final line never changes. */
export type HistoryStatus = 'processing' | 'completed' | 'failed';

/**
 * How a line's `fee` relates to its `amount`: `on_top` — the wallet paid amount + fee (transfers out,
 * withdrawals); `withheld` — the provider kept the fee from what arrived, `amount` is what was credited
 * (deposits); `inside` — `amount` includes the fee (what a swap sold).
 */
export type FeeMode = 'on_top' | 'withheld' | 'inside';

/**
 * What kind of movement a line belongs to, with what classifying it needs (insights' analytics): one variant
 * per kind. A new kind of movement (card spend, bank rails, bill pay, cashback) adds its variant here, and the
 * analytics classifier's exhaustive switch does not compile until it says how the kind is classified.
 */
export type MovementHints =
  /** Between two Monay wallets, alone or as a batch item: the counterparty and the note are on the line. */
  | { kind: 'p2p' }
  /** Money in through a provider (`bank`, `card`, `crypto`), or the in-house rail of old journals (null). */
  | { kind: 'deposit'; method: string | null }
  /** Money out to the user's bank account; the destination masked, when the event says it. */
  | { kind: 'withdrawal'; destination: string | null }
  /** Money sent on chain to an address (null: one provider batch to many addresses); the note is on the line. */
  | { kind: 'external_transfer'; address: string | null; recipients: number }
  /** Between two of the user's own assets. */
  | { kind: 'swap'; from: string; to: string }
  /**
   * Between the user's own bank account and their wallet over a bank rail (libs/banking): `in` adds money, `out`
   * withdraws; a return's line carries its R-code (it undoes the movement it returns).
   */
  | { kind: 'bank'; rail: string; direction: 'in' | 'out'; account: string; returnCode: string | null }
  /** A bill paid from the wallet (libs/banking), by its biller's type; `reversal`: the biller gave it back. */
  | { kind: 'bill'; billerType: string; billerName: string; reversal: boolean }
  /** A card purchase (or its refund) at a merchant, with its category code. */
  | { kind: 'card'; merchant: string; mcc: string }
  /** Rewards points redeemed for money in the wallet (cashback): the catalog item. */
  | { kind: 'reward'; item: string };

export type MovementKind = MovementHints['kind'];

/** One line of a user's transaction history (`GET /api/transactions`). Amounts are decimal strings. */
export interface HistoryLine {
  /** The line's own id: `<reference>:<side>` (a transfer has an `:out` line for its sender and an `:in` line). */
  lineId: string;
  userId: string;
  type: HistoryLineType;
  /** What the history lists and `transaction.updated` names: the transfer's, movement's or swap's id. */
  referenceId: string;
  batchId: string | null;
  /** The other Monay user, for transfers between wallets. */
  counterpartyUserId: string | null;
  /**
   * Shown instead of the counterparty's id: on a sender's outgoing transfer, the recipient as the sender typed it,
   * masked (a sender never learns the recipient's user id). Null where the counterparty may be named by id.
   */
  counterpartyDisplay: string | null;
  currency: string;
  amount: string;
  fee: string;
  status: HistoryStatus;
  failureCode: string | null;
  note: string | null;
  feeMode: FeeMode;
  hints: MovementHints;
}

/** A fee a user paid that is on none of their lines (a batch's fee, charged once for the whole batch). */
export interface FeeCharge {
  /** `<batch id>:fee` */
  chargeId: string;
  userId: string;
  referenceId: string;
  batchId: string | null;
  currency: string;
  amount: string;
}

/** A change of one user's posted balance in one currency (the portfolio read model sums these). */
export interface PostedDelta {
  userId: string;
  currency: string;
  /** Signed, in minor units. */
  delta: bigint;
}

/** A user's balance (posted or available) in `currency` changed: a socket should hear the new one. */
export interface BalanceTouch {
  userId: string;
  currency: string;
}

export interface MovementView {
  lines: HistoryLine[];
  /** Fees charged outside the lines; their amounts are among `posted`. */
  fees: FeeCharge[];
  posted: PostedDelta[];
  balances: BalanceTouch[];
}

/**
 * Every money movement event, listed once: the compiler refuses this object until a new kind in the catalogue's
 * `MoneyMovementEvents` is added here (and to the exhaustive switch of {@link historyOf}).
 */
const MONEY_MOVEMENT_EVENTS: Record<MoneyMovementEventName, true> = {
  WalletCredited: true,
  FundsTransferred: true,
  TransferFailed: true,
  BatchTransferCompleted: true,
  DepositInitiated: true,
  DepositCompleted: true,
  DepositFailed: true,
  WithdrawalRequested: true,
  WithdrawalCompleted: true,
  WithdrawalFailed: true,
  ExternalTransferRequested: true,
  ExternalTransferCompleted: true,
  ExternalTransferFailed: true,
  SwapRequested: true,
  SwapCompleted: true,
  SwapFailed: true,
  BankTransferRequested: true,
  BankTransferSettled: true,
  BankTransferFailed: true,
  BankTransferReturned: true,
  BillPaymentRequested: true,
  BillPaymentSent: true,
  BillPaymentFailed: true,
  BillPaymentReversed: true,
  CardAuthorizationApproved: true,
  CardAuthorizationDeclined: true,
  CardAuthorizationCleared: true,
  CardAuthorizationReleased: true,
  CardRefunded: true,
  RewardCashbackCredited: true,
  InviteTransferPending: true,
  InviteTransferVoided: true,
};

export const MONEY_MOVEMENT_EVENT_TYPES: ReadonlySet<MoneyMovementEventName> = new Set(
  Object.keys(MONEY_MOVEMENT_EVENTS) as MoneyMovementEventName[],
);

export function isMoneyMovement(event: DomainEvent): event is DomainEvent<MoneyMovementEventName> {
  return (MONEY_MOVEMENT_EVENT_TYPES as ReadonlySet<string>).has(event.type);
}

/**
 * What one money movement event means for its users: the history lines it adds or moves on, the posted balances
 * it changes, and the balances (posted or available) it touches. Pure, and the only place an event becomes
 * something a user sees.
 *
 * - transfer (FundsTransferred): the sender's `transfer_out` (fee charged) and the recipient's `transfer_in`. A batch
 *   item leaves the sender's balance to its batch's BatchTransferCompleted, committed right after its items, which
 *   touches it once per currency and posts the batch fee.
 * - refusal (TransferFailed): the sender's `transfer_out`, `failed`; nothing moved.
 * - deposit through a provider: processing (the amount sent) → completed (the amount credited, the provider's fee
 *   withheld) | failed. Only completion moves money.
 * - withdrawal and external transfer (to a 0x address, or a provider batch of them: one line for the batch):
 *   requested (a hold lowers what is available) → completed (amount + fee debited, the hold's rest released) |
 *   failed (its hold released, when there was one).
 * - swap: `swap_out` (what was sold, the fee inside) processing → completed | failed; once completed, `swap_in`
 *   (what was bought).
 * - card purchase (`card_payment`, one line per authorization): approved (a hold lowers what is available;
 *   `processing`) → cleared (`completed`, the amount cleared; a non-final clearing stays `processing`) | released
 *   (reversed or expired uncaptured: `failed` with REVERSED / EXPIRED, or `completed` if part of it cleared) |
 *   declined (`failed` with the decline code; nothing held). A refund is a `card_refund` line of its own.
 * - WalletCredited: a deposit on the in-house rail, before deposits went through providers (old journals).
 * - cashback (RewardCashbackCredited): points redeemed for money, a completed `reward` line credited at once.
 */
export function historyOf(event: DomainEvent<MoneyMovementEventName>): MovementView {
  switch (event.type) {
    case 'WalletCredited': {
      const p = event.payload;
      const line = own(
        p.userId,
        'deposit',
        p.ledgerTransactionId,
        'in',
        p.currency,
        'completed',
        p.amount,
        p.fee,
      );
      // The in-house rail credited amount − fee: the fee was charged on the amount it names.
      return {
        lines: [{ ...line, feeMode: 'on_top', hints: { kind: 'deposit', method: null } }],
        fees: [],
        posted: [delta(p.userId, p.currency, minor(p.amount, p.currency) - minor(p.fee, p.currency))],
        balances: [{ userId: p.userId, currency: p.currency }],
      };
    }
    case 'FundsTransferred': {
      const p = event.payload;
      const common = {
        referenceId: p.transferId,
        batchId: p.batchId,
        currency: p.currency,
        amount: p.amount,
        status: 'completed' as const,
        failureCode: null,
        note: p.note,
        feeMode: 'on_top' as const,
        hints: { kind: 'p2p' as const },
      };
      const amount = minor(p.amount, p.currency);
      return {
        lines: [
          {
            ...common,
            lineId: `${p.transferId}:out`,
            userId: p.senderId,
            type: 'transfer_out',
            counterpartyUserId: p.recipientId,
            // Absent from events written before it existed: those show '***'.
            counterpartyDisplay: maskRecipient(p.recipientRef ?? ''),
            fee: p.fee,
          },
          {
            ...common,
            lineId: `${p.transferId}:in`,
            userId: p.recipientId,
            type: 'transfer_in',
            counterpartyUserId: p.senderId,
            counterpartyDisplay: null,
            fee: zero(p.currency),
          },
        ],
        fees: [],
        posted: [
          delta(p.senderId, p.currency, -(amount + minor(p.fee, p.currency))),
          delta(p.recipientId, p.currency, amount),
        ],
        balances: [
          ...(p.batchId === null ? [{ userId: p.senderId, currency: p.currency }] : []),
          { userId: p.recipientId, currency: p.currency },
        ],
      };
    }
    case 'TransferFailed': {
      const p = event.payload;
      const reference = p.transferId ?? p.batchId ?? event.aggregateId;
      return {
        lines: [
          {
            lineId: `${reference}:out`,
            userId: p.senderId,
            type: 'transfer_out',
            referenceId: reference,
            batchId: p.batchId,
            counterpartyUserId: null,
            counterpartyDisplay: null,
            currency: p.currency,
            amount: p.amount,
            fee: zero(p.currency),
            status: 'failed',
            failureCode: p.reason,
            note: null,
            feeMode: 'on_top',
            hints: { kind: 'p2p' },
          },
        ],
        fees: [],
        posted: [],
        balances: [],
      };
    }
    case 'InviteTransferPending':
    case 'InviteTransferVoided': {
      // Money sent to someone not signed up yet: the sender's transfer out is pending (amount + fee held) until it
      // is claimed — then FundsTransferred with the invite's id completes this very line — or voided (failed).
      const p = event.payload;
      const pending = event.type === 'InviteTransferPending';
      return {
        lines: [
          {
            lineId: `${p.inviteId}:out`,
            userId: p.senderId,
            type: 'transfer_out',
            referenceId: p.inviteId,
            batchId: null,
            counterpartyUserId: null,
            counterpartyDisplay: maskRecipient(p.recipientRef),
            currency: p.currency,
            amount: p.amount,
            fee: pending ? event.payload.fee : zero(p.currency),
            status: pending ? 'processing' : 'failed',
            failureCode: pending ? null : `INVITE_${event.payload.reason.toUpperCase()}`,
            note: pending ? event.payload.note : null,
            feeMode: 'on_top',
            hints: { kind: 'p2p' },
          },
        ],
        fees: [],
        posted: [],
        balances: [{ userId: p.senderId, currency: p.currency }],
      };
    }
    case 'BatchTransferCompleted': {
      const p = event.payload;
      const currencies = new Set([...p.totals.map((total) => total.currency), p.feeCurrency]);
      const fee = minor(p.fee, p.feeCurrency);
      const charge: FeeCharge = {
        chargeId: `${p.batchId}:fee`,
        userId: p.senderId,
        referenceId: p.batchId,
        batchId: p.batchId,
        currency: p.feeCurrency,
        amount: p.fee,
      };
      return {
        lines: [],
        fees: fee > 0n ? [charge] : [],
        posted: fee > 0n ? [delta(p.senderId, p.feeCurrency, -fee)] : [],
        balances: [...currencies].map((currency) => ({ userId: p.senderId, currency })),
      };
    }
    case 'DepositInitiated': {
      const p = event.payload;
      return lineOnly(
        deposit(
          own(p.userId, 'deposit', p.depositId, 'deposit', p.currency, 'processing', p.amount),
          p.method,
        ),
      );
    }
    case 'DepositCompleted': {
      const p = event.payload;
      return {
        lines: [
          deposit(
            own(p.userId, 'deposit', p.depositId, 'deposit', p.currency, 'completed', p.credited, p.fee),
            p.method,
          ),
        ],
        fees: [],
        posted: [delta(p.userId, p.currency, minor(p.credited, p.currency))],
        balances: [{ userId: p.userId, currency: p.currency }],
      };
    }
    case 'DepositFailed': {
      const p = event.payload;
      // A failed deposit's event does not name its method: it was never credited, so it is never classified.
      return lineOnly(
        deposit(
          own(p.userId, 'deposit', p.depositId, 'deposit', p.currency, 'failed', p.amount, null, p.reason),
          null,
        ),
      );
    }
    case 'WithdrawalRequested': {
      const p = event.payload;
      const line = own(
        p.userId,
        'withdrawal',
        p.withdrawalId,
        'withdrawal',
        p.currency,
        'processing',
        p.amount,
      );
      return {
        lines: [{ ...line, hints: { kind: 'withdrawal', destination: p.destination } }],
        fees: [],
        posted: [],
        balances: [{ userId: p.userId, currency: p.currency }],
      };
    }
    case 'WithdrawalCompleted': {
      const p = event.payload;
      return {
        lines: [
          own(p.userId, 'withdrawal', p.withdrawalId, 'withdrawal', p.currency, 'completed', p.amount, p.fee),
        ],
        fees: [],
        posted: [delta(p.userId, p.currency, -minor(p.debited, p.currency))],
        balances: [{ userId: p.userId, currency: p.currency }],
      };
    }
    case 'WithdrawalFailed': {
      const p = event.payload;
      const line = own(
        p.userId,
        'withdrawal',
        p.withdrawalId,
        'withdrawal',
        p.currency,
        'failed',
        p.amount,
        null,
        p.reason,
      );
      return {
        lines: [line],
        fees: [],
        posted: [],
        balances: p.holdReleased ? [{ userId: p.userId, currency: p.currency }] : [],
      };
    }
    case 'ExternalTransferRequested':
    case 'ExternalTransferCompleted':
    case 'ExternalTransferFailed': {
      const p = event.payload;
      const line: HistoryLine = {
        lineId: `${p.transferId}:external`,
        userId: p.userId,
        type: 'transfer_out',
        referenceId: p.transferId,
        batchId: p.batchId,
        counterpartyUserId: null,
        counterpartyDisplay: null,
        currency: p.currency,
        amount: p.amount,
        fee: zero(p.currency),
        status: 'processing',
        failureCode: null,
        note: p.note,
        feeMode: 'on_top',
        hints: { kind: 'external_transfer', address: p.to, recipients: p.recipients },
      };
      const touched = [{ userId: p.userId, currency: p.currency }];
      if (event.type === 'ExternalTransferRequested') {
        return { lines: [line], fees: [], posted: [], balances: touched };
      }
      if (event.type === 'ExternalTransferCompleted') {
        const completed = event.payload;
        return {
          lines: [{ ...line, status: 'completed', fee: completed.fee }],
          fees: [],
          posted: [delta(p.userId, p.currency, -minor(completed.debited, p.currency))],
          balances: touched,
        };
      }
      const failed = event.payload;
      return {
        lines: [{ ...line, status: 'failed', failureCode: failed.reason }],
        fees: [],
        posted: [],
        balances: failed.holdReleased ? touched : [],
      };
    }
    case 'SwapRequested': {
      const p = event.payload;
      return {
        lines: [
          swap(own(p.userId, 'swap_out', p.swapId, 'swap_out', p.from, 'processing', p.amountIn, p.fee), p),
        ],
        fees: [],
        posted: [],
        balances: [{ userId: p.userId, currency: p.from }],
      };
    }
    case 'SwapCompleted': {
      const p = event.payload;
      return {
        lines: [
          swap(own(p.userId, 'swap_out', p.swapId, 'swap_out', p.from, 'completed', p.amountIn, p.fee), p),
          swap(own(p.userId, 'swap_in', p.swapId, 'swap_in', p.to, 'completed', p.amountOut), p),
        ],
        fees: [],
        posted: [
          delta(p.userId, p.from, -minor(p.amountIn, p.from)),
          delta(p.userId, p.to, minor(p.amountOut, p.to)),
        ],
        balances: [
          { userId: p.userId, currency: p.from },
          { userId: p.userId, currency: p.to },
        ],
      };
    }
    case 'SwapFailed': {
      const p = event.payload;
      return {
        lines: [
          swap(
            own(p.userId, 'swap_out', p.swapId, 'swap_out', p.from, 'failed', p.amountIn, null, p.reason),
            p,
          ),
        ],
        fees: [],
        posted: [],
        balances: p.holdReleased ? [{ userId: p.userId, currency: p.from }] : [],
      };
    }
    case 'BankTransferRequested':
    case 'BankTransferSettled':
    case 'BankTransferFailed':
    case 'BankTransferReturned':
      return bankTransferView(event);
    case 'BillPaymentRequested':
    case 'BillPaymentSent':
    case 'BillPaymentFailed':
    case 'BillPaymentReversed':
      return billPaymentView(event);
    case 'CardAuthorizationApproved': {
      const p = event.payload;
      return {
        lines: [card(p, 'card_payment', `${p.authorizationId}:card`, 'processing', p.held)],
        fees: [],
        posted: [],
        balances: [{ userId: p.userId, currency: p.currency }],
      };
    }
    case 'CardAuthorizationDeclined': {
      const p = event.payload;
      const line = card(p, 'card_payment', `${p.authorizationId}:card`, 'failed', p.amount);
      return lineOnly({ ...line, failureCode: p.code });
    }
    case 'CardAuthorizationCleared': {
      const p = event.payload;
      const status = p.final ? 'completed' : 'processing';
      return {
        lines: [card(p, 'card_payment', `${p.authorizationId}:card`, status, p.clearedTotal)],
        fees: [],
        posted: [delta(p.userId, p.currency, -minor(p.debited, p.currency))],
        balances: [{ userId: p.userId, currency: p.currency }],
      };
    }
    case 'CardAuthorizationReleased': {
      const p = event.payload;
      const cleared = minor(p.clearedTotal, p.currency) > 0n;
      const open = minor(p.held, p.currency) > 0n;
      const line = open
        ? card(p, 'card_payment', `${p.authorizationId}:card`, 'processing', p.held)
        : cleared
          ? card(p, 'card_payment', `${p.authorizationId}:card`, 'completed', p.clearedTotal)
          : {
              ...card(p, 'card_payment', `${p.authorizationId}:card`, 'failed', p.released),
              failureCode: p.reason === 'expiry' ? 'EXPIRED' : 'REVERSED',
            };
      return {
        lines: [line],
        fees: [],
        posted: [],
        balances: [{ userId: p.userId, currency: p.currency }],
      };
    }
    case 'CardRefunded': {
      const p = event.payload;
      return {
        lines: [card(p, 'card_refund', p.refundId, 'completed', p.amount)],
        fees: [],
        posted: [delta(p.userId, p.currency, minor(p.amount, p.currency))],
        balances: [{ userId: p.userId, currency: p.currency }],
      };
    }
    case 'RewardCashbackCredited': {
      const p = event.payload;
      const line = own(p.userId, 'reward', p.redemptionId, 'reward', p.currency, 'completed', p.amount);
      return {
        lines: [{ ...line, hints: { kind: 'reward', item: p.itemId } }],
        fees: [],
        posted: [delta(p.userId, p.currency, minor(p.amount, p.currency))],
        balances: [{ userId: p.userId, currency: p.currency }],
      };
    }
    default:
      return unreachable(event);
  }
}

/** A card line: the authorization (or the refund) is what the history lists; the merchant is the note. */
function card(
  p: { userId: string; authorizationId: string; currency: string; merchant: { name: string; mcc: string } },
  type: 'card_payment' | 'card_refund',
  lineId: string,
  status: HistoryStatus,
  amount: string,
): HistoryLine {
  return {
    ...own(p.userId, type, p.authorizationId, 'card', p.currency, status, amount),
    lineId,
    note: p.merchant.name,
    hints: { kind: 'card', merchant: p.merchant.name, mcc: p.merchant.mcc },
  };
}

/**
 * A bank transfer (libs/banking) between the user's bank account and wallet:
 * - add money (`deposit` line): pending (the amount asked) → completed (amount − fee credited, the fee withheld) |
 *   failed or cancelled (nothing moved); returned after settlement: a second line, `:return`, a `withdrawal` of
 *   what was taken back;
 * - withdrawal (`withdrawal` line): requested (a hold of amount + fee lowers what is available) → completed (amount
 *   + fee debited) | failed or cancelled (the hold released); returned after settlement: a `:return` line, a
 *   `deposit` of amount + fee given back.
 */
function bankTransferView(
  event: DomainEvent<
    'BankTransferRequested' | 'BankTransferSettled' | 'BankTransferFailed' | 'BankTransferReturned'
  >,
): MovementView {
  const p = event.payload;
  const inbound = p.direction === 'deposit';
  const hints = (direction: 'in' | 'out', returnCode: string | null): MovementHints => ({
    kind: 'bank',
    rail: p.rail,
    direction,
    account: p.bankAccount,
    returnCode,
  });
  const base = (status: HistoryStatus, amount: string, fee: string | null, failureCode: string | null) => ({
    ...own(
      p.userId,
      inbound ? 'deposit' : 'withdrawal',
      p.bankTransferId,
      'bank',
      p.currency,
      status,
      amount,
      fee,
      failureCode,
    ),
    feeMode: inbound ? ('withheld' as const) : ('on_top' as const),
    hints: hints(inbound ? 'in' : 'out', null),
  });
  const touched = [{ userId: p.userId, currency: p.currency }];
  switch (event.type) {
    case 'BankTransferRequested':
      return {
        lines: [base('processing', p.amount, null, null)],
        fees: [],
        posted: [],
        balances: inbound ? [] : touched,
      };
    case 'BankTransferSettled': {
      const s = event.payload;
      const posted = minor(s.posted, s.currency);
      return {
        lines: [base('completed', inbound ? s.posted : s.amount, s.fee, null)],
        fees: [],
        posted: [delta(s.userId, s.currency, inbound ? posted : -posted)],
        balances: touched,
      };
    }
    case 'BankTransferFailed': {
      const f = event.payload;
      return {
        lines: [base('failed', f.amount, null, f.reason)],
        fees: [],
        posted: [],
        balances: f.holdReleased ? touched : [],
      };
    }
    case 'BankTransferReturned': {
      const r = event.payload;
      const reversed = minor(r.reversed, r.currency);
      const line: HistoryLine = {
        ...own(
          r.userId,
          inbound ? 'withdrawal' : 'deposit',
          r.bankTransferId,
          'return',
          r.currency,
          'completed',
          r.reversed,
          null,
          r.returnCode,
        ),
        hints: hints(inbound ? 'out' : 'in', r.returnCode),
      };
      return {
        lines: [line],
        fees: [],
        posted: reversed > 0n ? [delta(r.userId, r.currency, inbound ? -reversed : reversed)] : [],
        balances: touched,
      };
    }
  }
}

/**
 * A bill paid from the wallet: a `withdrawal` line — scheduled (its amount held) → completed when sent to the biller
 * (debited) | failed or cancelled (the hold released); a biller's reversal is a second line, `:reversal`, a `deposit`
 * of the amount given back.
 */
function billPaymentView(
  event: DomainEvent<
    'BillPaymentRequested' | 'BillPaymentSent' | 'BillPaymentFailed' | 'BillPaymentReversed'
  >,
): MovementView {
  const p = event.payload;
  const hints = (reversal: boolean): MovementHints => ({
    kind: 'bill',
    billerType: p.billerType,
    billerName: p.billerName,
    reversal,
  });
  const line = (status: HistoryStatus, failureCode: string | null = null): HistoryLine => ({
    ...own(p.userId, 'withdrawal', p.billPaymentId, 'bill', p.currency, status, p.amount, null, failureCode),
    hints: hints(false),
  });
  const touched = [{ userId: p.userId, currency: p.currency }];
  const amount = minor(p.amount, p.currency);
  switch (event.type) {
    case 'BillPaymentRequested':
      return { lines: [line('processing')], fees: [], posted: [], balances: touched };
    case 'BillPaymentSent':
      return {
        lines: [line('completed')],
        fees: [],
        posted: [delta(p.userId, p.currency, -amount)],
        balances: touched,
      };
    case 'BillPaymentFailed':
      return { lines: [line('failed', event.payload.reason)], fees: [], posted: [], balances: touched };
    case 'BillPaymentReversed':
      return {
        lines: [
          {
            ...own(
              p.userId,
              'deposit',
              p.billPaymentId,
              'reversal',
              p.currency,
              'completed',
              p.amount,
              null,
              'REVERSED_BY_BILLER',
            ),
            hints: hints(true),
          },
        ],
        fees: [],
        posted: [delta(p.userId, p.currency, amount)],
        balances: touched,
      };
  }
}

/**
 * A line of its owner's own history: no counterparty, no batch, no note (provider movements, swaps); a
 * withdrawal's until its kind says otherwise ({@link deposit}, {@link swap} and the withdrawal case do).
 */
function own(
  userId: string,
  type: HistoryLineType,
  referenceId: string,
  side: string,
  currency: string,
  status: HistoryStatus,
  amount: string,
  fee: string | null = null,
  failureCode: string | null = null,
): HistoryLine {
  return {
    lineId: `${referenceId}:${side}`,
    userId,
    type,
    referenceId,
    batchId: null,
    counterpartyUserId: null,
    counterpartyDisplay: null,
    currency,
    amount,
    fee: fee ?? zero(currency),
    status,
    failureCode,
    note: null,
    feeMode: 'on_top',
    hints: { kind: 'withdrawal', destination: null },
  };
}

/** A deposit's line: the provider withheld its fee from what arrived. */
function deposit(line: HistoryLine, method: string | null): HistoryLine {
  return { ...line, feeMode: 'withheld', hints: { kind: 'deposit', method } };
}

/** A swap's line: what it sold includes the fee. */
function swap(line: HistoryLine, p: { from: string; to: string }): HistoryLine {
  return { ...line, feeMode: 'inside', hints: { kind: 'swap', from: p.from, to: p.to } };
}

function lineOnly(line: HistoryLine): MovementView {
  return { lines: [line], fees: [], posted: [], balances: [] };
}

function delta(userId: string, currency: string, amount: bigint): PostedDelta {
  return { userId, currency, delta: amount };
}

/** Event payloads carry decimal strings; read models store minor units. */
export function minor(amount: string, currency: string): bigint {
  return Money.parse(amount, currency as CurrencyCode, { signed: true }).minor;
}

function zero(currency: string): string {
  return Money.zero(currency as CurrencyCode).toDecimalString();
}

function unreachable(event: never): never {
  throw new Error(`No history for event ${(event as DomainEvent).type}`);
}
