import { Money, type CurrencyCode } from '#monay/kernel';
import { historyOf, isMoneyMovement, MONEY_MOVEMENT_EVENT_TYPES, type HistoryLine } from '#monay/insights';
import type { DomainEvent, DomainEventName } from '#monay/shared';
import type {
  BalanceUpdated,
  CardAuthorizationUpdated,
  RealtimeMessage,
  RewardsUpdated,
  TransactionUpdated,
} from './realtime-events';

/** The domain events that reach sockets (money movements and notifications); the others are not a client's business. */
export const REALTIME_EVENT_TYPES: readonly DomainEventName[] = [
  ...MONEY_MOVEMENT_EVENT_TYPES,
  'NotificationCreated',
  'KycTierChanged',
  'KycInquiryUpdated',
  'RewardPointsEarned',
  'RewardPointsClawedBack',
  'RewardLevelChanged',
  'RewardAchievementUnlocked',
  'PaymentRequestCreated',
  'PaymentRequestPaid',
  'PaymentRequestClosed',
  'PaymentRequestReminded',
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
 * A money movement is what insights' `historyOf` says it is, and nothing else: for each of the user's lines of
 * history, a `transaction.updated` (preceded by `transfer.received` for money that arrived from another Monay
 * user), then a `balance.updated` for each currency whose balance the event touched. A notification goes to its
 * user as `notification.created`; a KYC inquiry's progress or tier change as `kyc.updated`; points earned or
 * clawed back, a level or an achievement reached as `rewards.updated`.
 */
export function realtimeMessagesFor(
  event: DomainEvent,
  userId: string,
  balances: readonly UserBalance[],
): RealtimeMessage[] {
  const eventId = event.eventId;
  if (event.type === 'NotificationCreated') {
    const p = event.payload;
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
  if (event.type === 'KycTierChanged') {
    const p = event.payload;
    if (p.userId !== userId) return [];
    return [
      {
        event: 'kyc.updated',
        data: {
          eventId,
          kind: 'tier',
          tier: p.to,
          previous: p.from,
          direction: p.direction,
          reason: p.reason,
        },
      },
    ];
  }
  if (event.type === 'KycInquiryUpdated') {
    const p = event.payload;
    if (p.userId !== userId) return [];
    return [
      {
        event: 'kyc.updated',
        data: {
          eventId,
          kind: 'inquiry',
          inquiryId: p.inquiryId,
          targetTier: p.targetTier,
          status: p.status,
          reasons: p.reasons,
        },
      },
    ];
  }
  const reward = rewardsUpdated(event, userId);
  if (reward) return [{ event: 'rewards.updated', data: reward }];
  if (
    event.type === 'PaymentRequestCreated' ||
    event.type === 'PaymentRequestPaid' ||
    event.type === 'PaymentRequestClosed' ||
    event.type === 'PaymentRequestReminded'
  ) {
    const p = event.payload;
    const direction = p.requesterId === userId ? 'outgoing' : p.payerId === userId ? 'incoming' : null;
    if (direction === null) return [];
    const change =
      event.type === 'PaymentRequestCreated'
        ? 'created'
        : event.type === 'PaymentRequestReminded'
          ? 'reminded'
          : event.payload.status;
    return [
      {
        event: 'payment_request.updated',
        data: {
          eventId,
          id: p.requestId,
          change,
          direction,
          amount: p.amount,
          currency: p.currency,
          ...(event.type === 'PaymentRequestPaid' && { transferId: event.payload.transferId }),
        },
      },
    ];
  }
  if (!isMoneyMovement(event)) return [];
  const view = historyOf(event);
  const messages: RealtimeMessage[] = [];
  const card = cardAuthorizationOf(event, userId);
  if (card) messages.push({ event: 'card.authorization', data: card });
  for (const line of view.lines) {
    if (line.userId !== userId) continue;
    if (line.type === 'transfer_in' && line.status === 'completed' && line.counterpartyUserId !== null) {
      messages.push({
        event: 'transfer.received',
        data: {
          eventId,
          id: line.referenceId,
          from: { userId: line.counterpartyUserId },
          amount: line.amount,
          currency: line.currency,
          note: line.note,
          batchId: line.batchId,
        },
      });
    }
    messages.push({ event: 'transaction.updated', data: transactionUpdated(eventId, line) });
  }
  const touched = new Set(view.balances.filter((b) => b.userId === userId).map((b) => b.currency));
  for (const currency of touched) {
    messages.push({ event: 'balance.updated', data: balanceView(eventId, currency, balances) });
  }
  return messages;
}

/** What every card movement event says of its authorization (the payloads' common part). */
interface CardMovement {
  userId: string;
  authorizationId: string;
  cardId: string;
  last4: string;
  currency: string;
  merchant: { name: string; mcc: string };
}

/** A card event's `card.authorization` message (before the history line and the balance it moved). */
function cardAuthorizationOf(event: DomainEvent, userId: string): CardAuthorizationUpdated | null {
  const message = (
    p: CardMovement,
    status: CardAuthorizationUpdated['status'],
    amount: string,
    declineCode?: string,
  ): CardAuthorizationUpdated | null =>
    p.userId !== userId
      ? null
      : {
          eventId: event.eventId,
          authorizationId: p.authorizationId,
          cardId: p.cardId,
          last4: p.last4,
          status,
          amount,
          currency: p.currency,
          merchant: { name: p.merchant.name, mcc: p.merchant.mcc },
          ...(declineCode !== undefined && { declineCode }),
        };
  switch (event.type) {
    case 'CardAuthorizationApproved':
      return message(event.payload, 'approved', event.payload.amount);
    case 'CardAuthorizationDeclined':
      return message(event.payload, 'declined', event.payload.amount, event.payload.code);
    case 'CardAuthorizationCleared':
      return message(event.payload, 'cleared', event.payload.amount);
    case 'CardAuthorizationReleased':
      return message(event.payload, 'released', event.payload.released);
    case 'CardRefunded':
      return message(event.payload, 'refunded', event.payload.amount);
    default:
      return null;
  }
}

function transactionUpdated(eventId: string, line: HistoryLine): TransactionUpdated {
  return {
    eventId,
    id: line.referenceId,
    type: line.type,
    status: line.status,
    amount: line.amount,
    fee: line.fee,
    currency: line.currency,
    // A sender sees the recipient as they typed it, masked; never the recipient's user id.
    counterparty:
      line.counterpartyDisplay !== null
        ? { displayName: line.counterpartyDisplay }
        : line.counterpartyUserId === null
          ? null
          : { userId: line.counterpartyUserId },
    batchId: line.batchId,
    ...(line.failureCode !== null && { failureCode: line.failureCode }),
  };
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

function rewardsUpdated(event: DomainEvent, userId: string): RewardsUpdated | null {
  const { eventId } = event;
  switch (event.type) {
    case 'RewardPointsEarned': {
      const p = event.payload;
      return p.userId === userId
        ? { eventId, kind: 'earned', points: p.points, status: p.status, reason: p.reason }
        : null;
    }
    case 'RewardPointsClawedBack': {
      const p = event.payload;
      return p.userId === userId
        ? { eventId, kind: 'clawed_back', points: p.points, outcome: p.outcome, reason: p.reason }
        : null;
    }
    case 'RewardLevelChanged': {
      const p = event.payload;
      return p.userId === userId
        ? { eventId, kind: 'level', level: p.to, previous: p.from, perk: p.perk }
        : null;
    }
    case 'RewardAchievementUnlocked': {
      const p = event.payload;
      return p.userId === userId
        ? { eventId, kind: 'achievement', achievementId: p.achievementId, name: p.name, points: p.points }
        : null;
    }
    default:
      return null;
  }
}
