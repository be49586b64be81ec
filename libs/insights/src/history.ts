import { Money, type CurrencyCode } from '#monay/kernel';
import type { DomainEvent, MoneyMovementEventName } from '#monay/shared';
import { maskRecipient } from '#monay/transfers';

/**
 * What a user sees of money movements, written once (docs/architecture.md, "One history line"): the activity
 * projection stores these lines, the portfolio applies the posted deltas, and the realtime gateway sends the lines
 * as `transaction.updated` and the touched balances as `balance.updated`.
 */

export type HistoryLineType =
  'deposit' | 'withdrawal' | 'transfer_out' | 'transfer_in' | 'swap_out' | 'swap_in';

/** `processing`: under way at a provider; it becomes `completed` or `failed`, and a final line never changes. */
export type HistoryStatus = 'processing' | 'completed' | 'failed';

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
 * - WalletCredited: a deposit on the in-house rail, before deposits went through providers (old journals).
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
      return {
        lines: [line],
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
          },
        ],
        posted: [],
        balances: [],
      };
    }
    case 'BatchTransferCompleted': {
      const p = event.payload;
      const currencies = new Set([...p.totals.map((total) => total.currency), p.feeCurrency]);
      const fee = minor(p.fee, p.feeCurrency);
      return {
        lines: [],
        posted: fee > 0n ? [delta(p.senderId, p.feeCurrency, -fee)] : [],
        balances: [...currencies].map((currency) => ({ userId: p.senderId, currency })),
      };
    }
    case 'DepositInitiated': {
      const p = event.payload;
      return lineOnly(own(p.userId, 'deposit', p.depositId, 'deposit', p.currency, 'processing', p.amount));
    }
    case 'DepositCompleted': {
      const p = event.payload;
      return {
        lines: [own(p.userId, 'deposit', p.depositId, 'deposit', p.currency, 'completed', p.credited, p.fee)],
        posted: [delta(p.userId, p.currency, minor(p.credited, p.currency))],
        balances: [{ userId: p.userId, currency: p.currency }],
      };
    }
    case 'DepositFailed': {
      const p = event.payload;
      return lineOnly(
        own(p.userId, 'deposit', p.depositId, 'deposit', p.currency, 'failed', p.amount, null, p.reason),
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
      return { lines: [line], posted: [], balances: [{ userId: p.userId, currency: p.currency }] };
    }
    case 'WithdrawalCompleted': {
      const p = event.payload;
      return {
        lines: [
          own(p.userId, 'withdrawal', p.withdrawalId, 'withdrawal', p.currency, 'completed', p.amount, p.fee),
        ],
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
      };
      const touched = [{ userId: p.userId, currency: p.currency }];
      if (event.type === 'ExternalTransferRequested') return { lines: [line], posted: [], balances: touched };
      if (event.type === 'ExternalTransferCompleted') {
        const completed = event.payload;
        return {
          lines: [{ ...line, status: 'completed', fee: completed.fee }],
          posted: [delta(p.userId, p.currency, -minor(completed.debited, p.currency))],
          balances: touched,
        };
      }
      const failed = event.payload;
      return {
        lines: [{ ...line, status: 'failed', failureCode: failed.reason }],
        posted: [],
        balances: failed.holdReleased ? touched : [],
      };
    }
    case 'SwapRequested': {
      const p = event.payload;
      return {
        lines: [own(p.userId, 'swap_out', p.swapId, 'swap_out', p.from, 'processing', p.amountIn, p.fee)],
        posted: [],
        balances: [{ userId: p.userId, currency: p.from }],
      };
    }
    case 'SwapCompleted': {
      const p = event.payload;
      return {
        lines: [
          own(p.userId, 'swap_out', p.swapId, 'swap_out', p.from, 'completed', p.amountIn, p.fee),
          own(p.userId, 'swap_in', p.swapId, 'swap_in', p.to, 'completed', p.amountOut),
        ],
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
          own(p.userId, 'swap_out', p.swapId, 'swap_out', p.from, 'failed', p.amountIn, null, p.reason),
        ],
        posted: [],
        balances: p.holdReleased ? [{ userId: p.userId, currency: p.from }] : [],
      };
    }
    default:
      return unreachable(event);
  }
}

/** A line of its owner's own history: no counterparty, no batch, no note (provider movements, swaps). */
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
  };
}

function lineOnly(line: HistoryLine): MovementView {
  return { lines: [line], posted: [], balances: [] };
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
