import { Money, type CurrencyCode } from '#monay/kernel';
import { NotificationCreated, type NotificationCreatedPayload } from '#monay/notifications';
import {
  DepositCompleted,
  DepositFailed,
  DepositInitiated,
  SwapCompleted,
  SwapFailed,
  SwapRequested,
  WithdrawalCompleted,
  WithdrawalFailed,
  WithdrawalRequested,
  type DepositCompletedPayload,
  type DepositFailedPayload,
  type DepositInitiatedPayload,
  type SwapCompletedPayload,
  type SwapFailedPayload,
  type SwapRequestedPayload,
  type WithdrawalCompletedPayload,
  type WithdrawalFailedPayload,
  type WithdrawalRequestedPayload,
} from '#monay/providers';
import {
  EXTERNAL_TRANSFER_EVENT_TYPES,
  ExternalTransferCompleted,
  ExternalTransferRequested,
  type ExternalTransferCompletedPayload,
  type ExternalTransferFailedPayload,
  type ExternalTransferRequestedPayload,
} from '#monay/providers';
import type { PublishedEvent } from '#monay/shared';
import {
  BatchTransferCompleted,
  FundsTransferred,
  maskRecipient,
  TransferFailed,
  type BatchTransferCompletedPayload,
  type FundsTransferredPayload,
  type TransferFailedPayload,
} from '#monay/transfers';
import { WalletCredited, type WalletCreditedPayload } from '#monay/wallet';
import type { BalanceUpdated, RealtimeMessage, TransactionUpdated } from './realtime-events';

/** The domain events that reach sockets; the others are not a client's business. */
export const REALTIME_EVENT_TYPES: readonly string[] = [
  WalletCredited,
  FundsTransferred,
  TransferFailed,
  BatchTransferCompleted,
  NotificationCreated,
  DepositInitiated,
  DepositCompleted,
  DepositFailed,
  WithdrawalRequested,
  WithdrawalCompleted,
  WithdrawalFailed,
  ...EXTERNAL_TRANSFER_EVENT_TYPES,
  SwapRequested,
  SwapCompleted,
  SwapFailed,
];

/** A user's ledger balance in one currency, in minor units (what `LedgerService.balances` returns). */
export interface UserBalance {
  currency: string;
  posted: bigint;
  pendingDebits: bigint;
}

/**
 * What `userId` is sent for one committed domain event, in the order it is sent. Pure: the live stream and the
 * missed-events replay both call it, so a replayed event is exactly what the socket would have carried.
 * `balances` are the user's balances at sending time (`balance.updated` reports the current balance).
 *
 * - deposit (WalletCredited): transaction.updated, balance.updated
 * - transfer (FundsTransferred): sender transaction.updated, balance.updated; recipient transfer.received,
 *   transaction.updated, balance.updated. A batch item omits the sender's balance.updated: the batch's
 *   BatchTransferCompleted, committed right after its items, sends it once per currency.
 * - refusal (TransferFailed): the sender's transaction.updated with status `failed`; nothing moved.
 * - notification (NotificationCreated): its user's notification.created.
 * - deposit through a provider: DepositInitiated → transaction.updated `processing`; DepositCompleted →
 *   transaction.updated `completed` (amount = credited, fee withheld) and balance.updated; DepositFailed →
 *   transaction.updated `failed`.
 * - withdrawal: WithdrawalRequested → transaction.updated `processing` and balance.updated (the hold lowers
 *   available); WithdrawalCompleted → transaction.updated `completed` and balance.updated; WithdrawalFailed →
 *   transaction.updated `failed`, and balance.updated when its hold was released.
 * - external transfer (to a 0x address, or a provider batch of them): as a withdrawal, its line a
 *   `transfer_out` with no counterparty (ExternalTransferRequested / Completed / Failed).
 * - swap: SwapRequested → transaction.updated `swap_out` `processing` and balance.updated in `from` (held);
 *   SwapCompleted → transaction.updated `swap_out` and `swap_in` `completed`, balance.updated in both currencies;
 *   SwapFailed → transaction.updated `swap_out` `failed`, and balance.updated when its hold was released.
 */
export function realtimeMessagesFor(
  event: PublishedEvent,
  userId: string,
  balances: readonly UserBalance[],
): RealtimeMessage[] {
  const eventId = event.eventId;
  const balance = (currency: string): RealtimeMessage => ({
    event: 'balance.updated',
    data: balanceView(eventId, currency, balances),
  });
  const transaction = (data: Omit<TransactionUpdated, 'eventId'>): RealtimeMessage => ({
    event: 'transaction.updated',
    data: { eventId, ...data },
  });

  switch (event.type) {
    case WalletCredited: {
      const p = event.payload as WalletCreditedPayload;
      if (p.userId !== userId) return [];
      return [
        transaction({
          id: p.ledgerTransactionId,
          type: 'deposit',
          status: 'completed',
          amount: p.amount,
          fee: p.fee,
          currency: p.currency,
          counterparty: null,
          batchId: null,
        }),
        balance(p.currency),
      ];
    }
    case FundsTransferred: {
      const p = event.payload as FundsTransferredPayload;
      const messages: RealtimeMessage[] = [];
      if (p.senderId === userId) {
        messages.push(
          transaction({
            id: p.transferId,
            type: 'transfer_out',
            status: 'completed',
            amount: p.amount,
            fee: p.fee,
            currency: p.currency,
            // The sender sees the recipient as they typed it, masked; never the recipient's user id.
            counterparty: { displayName: maskRecipient(p.recipientRef ?? '') },
            batchId: p.batchId,
          }),
        );
        if (p.batchId === null) messages.push(balance(p.currency));
      }
      if (p.recipientId === userId) {
        messages.push(
          {
            event: 'transfer.received',
            data: {
              eventId,
              id: p.transferId,
              from: { userId: p.senderId },
              amount: p.amount,
              currency: p.currency,
              note: p.note,
              batchId: p.batchId,
            },
          },
          transaction({
            id: p.transferId,
            type: 'transfer_in',
            status: 'completed',
            amount: p.amount,
            fee: zero(p.currency),
            currency: p.currency,
            counterparty: { userId: p.senderId },
            batchId: p.batchId,
          }),
          balance(p.currency),
        );
      }
      return messages;
    }
    case TransferFailed: {
      const p = event.payload as TransferFailedPayload;
      if (p.senderId !== userId) return [];
      return [
        transaction({
          id: p.transferId ?? p.batchId ?? event.aggregateId,
          type: 'transfer_out',
          status: 'failed',
          amount: p.amount,
          fee: zero(p.currency),
          currency: p.currency,
          counterparty: null,
          batchId: p.batchId,
          failureCode: p.reason,
        }),
      ];
    }
    case BatchTransferCompleted: {
      const p = event.payload as BatchTransferCompletedPayload;
      if (p.senderId !== userId) return [];
      const currencies = new Set([...p.totals.map((total) => total.currency), p.feeCurrency]);
      return [...currencies].map(balance);
    }
    case DepositInitiated:
    case DepositCompleted:
    case DepositFailed:
    case WithdrawalRequested:
    case WithdrawalCompleted:
    case WithdrawalFailed:
      return movementMessages(event, userId, transaction, balance);
    case SwapRequested:
    case SwapCompleted:
    case SwapFailed:
      return swapMessages(event, userId, transaction, balance);
    case NotificationCreated: {
      const p = event.payload as NotificationCreatedPayload;
      if (p.userId !== userId) return [];
      return [
        {
          event: 'notification.created',
          data: {
            eventId,
            id: p.notificationId,
            kind: p.kind,
            title: p.title,
            body: p.body,
            data: p.data,
            createdAt: p.createdAt,
          },
        },
      ];
    }
    default:
      return EXTERNAL_TRANSFER_EVENT_TYPES.includes(event.type)
        ? externalTransferMessages(event, userId, transaction, balance)
        : [];
  }
}

/** An external transfer's line of history (and the balance, when it changed), to its sender only. */
function externalTransferMessages(
  event: PublishedEvent,
  userId: string,
  transaction: (data: Omit<TransactionUpdated, 'eventId'>) => RealtimeMessage,
  balance: (currency: string) => RealtimeMessage,
): RealtimeMessage[] {
  const p = event.payload as
    ExternalTransferRequestedPayload | ExternalTransferCompletedPayload | ExternalTransferFailedPayload;
  if (p.userId !== userId) return [];
  const common = {
    id: p.transferId,
    type: 'transfer_out' as const,
    amount: p.amount,
    currency: p.currency,
    counterparty: null,
    batchId: p.batchId,
  };
  if (event.type === ExternalTransferRequested) {
    return [transaction({ ...common, status: 'processing', fee: zero(p.currency) }), balance(p.currency)];
  }
  if (event.type === ExternalTransferCompleted) {
    const completed = p as ExternalTransferCompletedPayload;
    return [transaction({ ...common, status: 'completed', fee: completed.fee }), balance(p.currency)];
  }
  const failed = p as ExternalTransferFailedPayload;
  const line = transaction({
    ...common,
    status: 'failed',
    fee: zero(p.currency),
    failureCode: failed.reason,
  });
  return failed.holdReleased ? [line, balance(p.currency)] : [line];
}

/** id, status, amount, fee, currency and an optional failure code of a line of history. */
type OwnLine = [
  id: string,
  status: TransactionUpdated['status'],
  amount: string,
  fee: string,
  currency: string,
  failureCode?: string,
];

/** A line of its owner's history with no counterparty and no batch (provider movements, swaps). */
function ownLine(
  transaction: (data: Omit<TransactionUpdated, 'eventId'>) => RealtimeMessage,
  type: TransactionUpdated['type'],
  ...[id, status, amount, fee, currency, failureCode]: OwnLine
): RealtimeMessage {
  return transaction({
    id,
    type,
    status,
    amount,
    fee,
    currency,
    counterparty: null,
    batchId: null,
    ...(failureCode && { failureCode }),
  });
}

/** A provider movement's line of history (and the balance, when it changed), to its owner only. */
function movementMessages(
  event: PublishedEvent,
  userId: string,
  transaction: (data: Omit<TransactionUpdated, 'eventId'>) => RealtimeMessage,
  balance: (currency: string) => RealtimeMessage,
): RealtimeMessage[] {
  if ((event.payload as { userId?: string }).userId !== userId) return [];
  const line = (type: 'deposit' | 'withdrawal', ...rest: OwnLine) => ownLine(transaction, type, ...rest);
  switch (event.type) {
    case DepositInitiated: {
      const p = event.payload as DepositInitiatedPayload;
      return [line('deposit', p.depositId, 'processing', p.amount, zero(p.currency), p.currency)];
    }
    case DepositCompleted: {
      const p = event.payload as DepositCompletedPayload;
      return [line('deposit', p.depositId, 'completed', p.credited, p.fee, p.currency), balance(p.currency)];
    }
    case DepositFailed: {
      const p = event.payload as DepositFailedPayload;
      return [line('deposit', p.depositId, 'failed', p.amount, zero(p.currency), p.currency, p.reason)];
    }
    case WithdrawalRequested: {
      const p = event.payload as WithdrawalRequestedPayload;
      return [
        line('withdrawal', p.withdrawalId, 'processing', p.amount, zero(p.currency), p.currency),
        balance(p.currency),
      ];
    }
    case WithdrawalCompleted: {
      const p = event.payload as WithdrawalCompletedPayload;
      return [
        line('withdrawal', p.withdrawalId, 'completed', p.amount, p.fee, p.currency),
        balance(p.currency),
      ];
    }
    default: {
      const p = event.payload as WithdrawalFailedPayload;
      const failed = line(
        'withdrawal',
        p.withdrawalId,
        'failed',
        p.amount,
        zero(p.currency),
        p.currency,
        p.reason,
      );
      return p.holdReleased ? [failed, balance(p.currency)] : [failed];
    }
  }
}

/** A swap's lines of history (what was sold, and once completed what was bought) and balances, to its owner. */
function swapMessages(
  event: PublishedEvent,
  userId: string,
  transaction: (data: Omit<TransactionUpdated, 'eventId'>) => RealtimeMessage,
  balance: (currency: string) => RealtimeMessage,
): RealtimeMessage[] {
  if ((event.payload as { userId?: string }).userId !== userId) return [];
  const line = (type: 'swap_out' | 'swap_in', ...rest: OwnLine) => ownLine(transaction, type, ...rest);
  switch (event.type) {
    case SwapRequested: {
      const p = event.payload as SwapRequestedPayload;
      return [line('swap_out', p.swapId, 'processing', p.amountIn, p.fee, p.from), balance(p.from)];
    }
    case SwapCompleted: {
      const p = event.payload as SwapCompletedPayload;
      return [
        line('swap_out', p.swapId, 'completed', p.amountIn, p.fee, p.from),
        line('swap_in', p.swapId, 'completed', p.amountOut, zero(p.to), p.to),
        balance(p.from),
        balance(p.to),
      ];
    }
    default: {
      const p = event.payload as SwapFailedPayload;
      const failed = line('swap_out', p.swapId, 'failed', p.amountIn, zero(p.from), p.from, p.reason);
      return p.holdReleased ? [failed, balance(p.from)] : [failed];
    }
  }
}

function balanceView(eventId: string, currency: string, balances: readonly UserBalance[]): BalanceUpdated {
  const code = currency as CurrencyCode;
  const account = balances.find((b) => b.currency === currency);
  const total = Money.of(account?.posted ?? 0n, code);
  const pending = Money.of(account?.pendingDebits ?? 0n, code);
  return {
    eventId,
    currency,
    available: total.minus(pending).toDecimalString(),
    pending: pending.toDecimalString(),
    total: total.toDecimalString(),
  };
}

function zero(currency: string): string {
  return Money.zero(currency as CurrencyCode).toDecimalString();
}
