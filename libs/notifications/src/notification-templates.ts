import type { DomainEvent } from '#monay/shared';
import type { NotificationKind } from './domain/notification-kinds';
import type { KindData } from './templates/messages';

export { NOTIFICATION_KINDS, type NotificationKind } from './domain/notification-kinds';

/** What a domain event tells one user, before it is rendered in their language and stored. */
export interface NotificationIntent<K extends NotificationKind = NotificationKind> {
  userId: string;
  kind: K;
  data: KindData[K];
  /** One notification per (user, key): a duplicated event (a reminder job run twice) notifies once. */
  dedupeKey: string | null;
}

/** The event types that may notify someone. */
export const NOTIFYING_EVENT_TYPES = new Set([
  'RecurringTransferExecuted',
  'RecurringTransferSkipped',
  'RecurringTransferPaused',
  'RecurringTransferUpcoming',
  'FundsTransferred',
  'TransferFailed',
  'DepositCompleted',
  'WithdrawalCompleted',
  'WithdrawalFailed',
  'SwapCompleted',
  'BankTransferSettled',
  'BankTransferFailed',
  'BankTransferReturned',
  'BankAccountUpdated',
  'BillPaymentSent',
  'BillPaymentFailed',
  'BillPaymentReversed',
  'CardAuthorizationDeclined',
  'CardRefunded',
  'CardStateChanged',
  'SecurityEventRecorded',
  'AnnouncementPublished',
  'RewardCashbackCredited',
  'RewardLevelChanged',
  'RewardAchievementUnlocked',
  'RewardPointsExpiring',
  'ReferralDecided',
  'PaymentRequestCreated',
  'PaymentRequestReminded',
  'PaymentRequestPaid',
  'PaymentRequestClosed',
] as const);

export type NotifyingEventName = typeof NOTIFYING_EVENT_TYPES extends Set<infer K> ? K : never;

/** The security events worth an alert (a sign-in from a known device, a verified email are not). */
const ALERTED_SECURITY_EVENTS = new Set([
  'new_device',
  '2fa_enabled',
  '2fa_disabled',
  'recovery_code_used',
  'password_changed',
  'password_reset',
]);

function intent<K extends NotificationKind>(
  userId: string,
  kind: K,
  data: KindData[K],
  dedupeKey: string | null,
): NotificationIntent {
  return { userId, kind, data, dedupeKey } as NotificationIntent;
}

/** Pure: the notifications an event gives its users (none, one, or one per side of a transfer). */
export function notificationFor(event: DomainEvent<NotifyingEventName>): NotificationIntent[] {
  switch (event.type) {
    case 'RecurringTransferUpcoming': {
      const p = event.payload;
      return [
        intent(
          p.userId,
          'recurring.reminder',
          pick(p, ['scheduleId', 'occurrenceAt', 'amount', 'currency', 'recipient']),
          `recurring.reminder:${p.scheduleId}:${p.occurrenceAt}`,
        ),
      ];
    }
    case 'RecurringTransferExecuted': {
      const p = event.payload;
      // A final refusal other than funds or limits (the recipient closed their account …) is not notified yet.
      if (p.status !== 'completed') return [];
      return [
        intent(
          p.userId,
          'recurring.succeeded',
          pick(p, ['scheduleId', 'occurrenceAt', 'transferId', 'amount', 'currency', 'recipient']),
          `recurring.succeeded:${p.scheduleId}:${p.occurrenceAt}`,
        ),
      ];
    }
    case 'RecurringTransferSkipped': {
      const p = event.payload;
      return [
        intent(
          p.userId,
          'recurring.skipped',
          pick(p, [
            'scheduleId',
            'occurrenceAt',
            'failureCode',
            'attempts',
            'amount',
            'currency',
            'recipient',
          ]),
          `recurring.skipped:${p.scheduleId}:${p.occurrenceAt}`,
        ),
      ];
    }
    case 'RecurringTransferPaused': {
      const p = event.payload;
      // A schedule may be paused again after a resume: each pause event notifies (processed_events dedupes).
      return [
        intent(
          p.userId,
          'recurring.paused',
          pick(p, ['scheduleId', 'skippedInARow', 'amount', 'currency', 'recipient']),
          null,
        ),
      ];
    }
    case 'FundsTransferred': {
      const p = event.payload;
      const to = p.recipientRef ? maskRecipient(p.recipientRef) : 'another Monay user';
      return [
        intent(
          p.senderId,
          'transfer.sent',
          { transferId: p.transferId, amount: p.amount, currency: p.currency, fee: p.fee, to },
          `transfer.sent:${p.transferId}`,
        ),
        intent(
          p.recipientId,
          'transfer.received',
          { transferId: p.transferId, amount: p.amount, currency: p.currency, note: p.note },
          `transfer.received:${p.transferId}`,
        ),
      ];
    }
    case 'TransferFailed': {
      const p = event.payload;
      return [
        intent(
          p.senderId,
          'transfer.failed',
          { transferId: p.transferId, amount: p.amount, currency: p.currency, reason: p.reason },
          p.transferId ? `transfer.failed:${p.transferId}` : null,
        ),
      ];
    }
    case 'RewardCashbackCredited': {
      const p = event.payload;
      return [
        intent(
          p.userId,
          'rewards.cashback',
          { redemptionId: p.redemptionId, amount: p.amount, currency: p.currency, points: p.points },
          `rewards.cashback:${p.redemptionId}`,
        ),
      ];
    }
    case 'RewardLevelChanged': {
      const p = event.payload;
      return [
        intent(p.userId, 'rewards.level_up', { level: p.to, perk: p.perk }, `rewards.level_up:${p.to}`),
      ];
    }
    case 'RewardAchievementUnlocked': {
      const p = event.payload;
      return [
        intent(
          p.userId,
          'rewards.achievement',
          { achievementId: p.achievementId, name: p.name, points: p.points },
          `rewards.achievement:${p.achievementId}`,
        ),
      ];
    }
    case 'RewardPointsExpiring': {
      const p = event.payload;
      return [
        intent(
          p.userId,
          'rewards.expiring',
          { points: p.points, expiresAt: p.expiresAt },
          `rewards.expiring:${event.eventId}`,
        ),
      ];
    }
    case 'ReferralDecided': {
      const p = event.payload;
      // A rejection is told to nobody: the referrer would learn of a referred member's fraud, or the other way round.
      if (p.status !== 'approved') return [];
      return [
        intent(
          p.referrerId,
          'rewards.referral',
          { referralId: p.referralId, status: p.status, points: p.referrerPoints, side: 'referrer' },
          `rewards.referral:${p.referralId}`,
        ),
        intent(
          p.referredId,
          'rewards.referral',
          { referralId: p.referralId, status: p.status, points: p.referredPoints, side: 'referred' },
          `rewards.referral:${p.referralId}`,
        ),
      ];
    }
    case 'DepositCompleted': {
      const p = event.payload;
      return [
        intent(
          p.userId,
          'deposit.completed',
          { depositId: p.depositId, amount: p.amount, credited: p.credited, currency: p.currency },
          `deposit.completed:${p.depositId}`,
        ),
      ];
    }
    case 'WithdrawalCompleted': {
      const p = event.payload;
      return [
        intent(
          p.userId,
          'withdrawal.completed',
          { withdrawalId: p.withdrawalId, amount: p.amount, currency: p.currency },
          `withdrawal.completed:${p.withdrawalId}`,
        ),
      ];
    }
    case 'WithdrawalFailed': {
      const p = event.payload;
      return [
        intent(
          p.userId,
          'withdrawal.failed',
          { withdrawalId: p.withdrawalId, amount: p.amount, currency: p.currency, reason: p.reason },
          `withdrawal.failed:${p.withdrawalId}`,
        ),
      ];
    }
    case 'SwapCompleted': {
      const p = event.payload;
      return [
        intent(
          p.userId,
          'swap.completed',
          { swapId: p.swapId, from: p.from, to: p.to, amountIn: p.amountIn, amountOut: p.amountOut },
          `swap.completed:${p.swapId}`,
        ),
      ];
    }
    case 'BankTransferSettled': {
      const p = event.payload;
      return [
        intent(
          p.userId,
          'bank.settled',
          pick(p, ['bankTransferId', 'direction', 'rail', 'amount', 'posted', 'currency', 'bankAccount']),
          `bank.settled:${p.bankTransferId}`,
        ),
      ];
    }
    case 'BankTransferFailed': {
      const p = event.payload;
      return [
        intent(
          p.userId,
          'bank.failed',
          pick(p, ['bankTransferId', 'direction', 'amount', 'currency', 'bankAccount', 'reason']),
          `bank.failed:${p.bankTransferId}`,
        ),
      ];
    }
    case 'BankTransferReturned': {
      const p = event.payload;
      return [
        intent(
          p.userId,
          'bank.returned',
          pick(p, [
            'bankTransferId',
            'direction',
            'amount',
            'reversed',
            'currency',
            'bankAccount',
            'returnCode',
            'meaning',
          ]),
          `bank.returned:${p.bankTransferId}`,
        ),
      ];
    }
    case 'BankAccountUpdated': {
      const p = event.payload;
      return [
        intent(
          p.userId,
          'bank.account',
          pick(p, ['bankAccountId', 'bankAccount', 'status', 'reason']),
          `bank.account:${p.bankAccountId}:${p.status}`,
        ),
      ];
    }
    case 'BillPaymentSent': {
      const p = event.payload;
      return [
        intent(
          p.userId,
          'bill.sent',
          pick(p, ['billPaymentId', 'billerName', 'amount', 'currency', 'estimatedDelivery']),
          `bill.sent:${p.billPaymentId}`,
        ),
      ];
    }
    case 'BillPaymentFailed': {
      const p = event.payload;
      return [
        intent(
          p.userId,
          'bill.failed',
          pick(p, ['billPaymentId', 'billerName', 'amount', 'currency', 'reason']),
          `bill.failed:${p.billPaymentId}`,
        ),
      ];
    }
    case 'BillPaymentReversed': {
      const p = event.payload;
      return [
        intent(
          p.userId,
          'bill.reversed',
          pick(p, ['billPaymentId', 'billerName', 'amount', 'currency']),
          `bill.reversed:${p.billPaymentId}`,
        ),
      ];
    }
    case 'CardAuthorizationDeclined': {
      const p = event.payload;
      return [
        intent(
          p.userId,
          'card.declined',
          {
            authorizationId: p.authorizationId,
            last4: p.last4,
            amount: p.amount,
            currency: p.currency,
            merchant: p.merchant.name,
            code: p.code,
          },
          `card.declined:${event.eventId}`,
        ),
      ];
    }
    case 'CardRefunded': {
      const p = event.payload;
      return [
        intent(
          p.userId,
          'card.refunded',
          {
            authorizationId: p.authorizationId,
            last4: p.last4,
            amount: p.amount,
            currency: p.currency,
            merchant: p.merchant.name,
          },
          `card.refunded:${p.refundId}`,
        ),
      ];
    }
    case 'CardStateChanged': {
      const p = event.payload;
      if (p.to !== 'CLOSED') return [];
      return [
        intent(
          p.userId,
          'card.closed',
          { cardId: p.cardId, last4: p.last4, reason: p.reason },
          `card.closed:${p.cardId}`,
        ),
      ];
    }
    case 'SecurityEventRecorded': {
      const p = event.payload;
      if (!ALERTED_SECURITY_EVENTS.has(p.kind)) return [];
      return [
        intent(
          p.userId,
          'security.alert',
          { event: p.kind, device: p.device, ip: p.ip, at: p.at },
          `security.alert:${event.eventId}`,
        ),
      ];
    }
    case 'PaymentRequestCreated': {
      const p = event.payload;
      // An open request concerns no one yet: its link is shared by the requester.
      if (!p.payerId) return [];
      return [
        intent(
          p.payerId,
          'payment_request.received',
          pick(p, ['requestId', 'amount', 'currency', 'note', 'expiresAt']),
          `payment_request.received:${p.requestId}`,
        ),
      ];
    }
    case 'PaymentRequestReminded': {
      const p = event.payload;
      return [
        intent(
          p.payerId,
          'payment_request.reminder',
          pick(p, ['requestId', 'amount', 'currency', 'note', 'expiresAt']),
          `payment_request.reminder:${p.requestId}:${p.at}`,
        ),
      ];
    }
    case 'PaymentRequestPaid': {
      const p = event.payload;
      return [
        intent(
          p.requesterId,
          'payment_request.paid',
          pick(p, ['requestId', 'transferId', 'amount', 'currency']),
          `payment_request.paid:${p.requestId}:${p.transferId}`,
        ),
      ];
    }
    case 'PaymentRequestClosed': {
      const p = event.payload;
      if (p.status !== 'declined') return [];
      return [
        intent(
          p.requesterId,
          'payment_request.declined',
          pick(p, ['requestId', 'amount', 'currency']),
          `payment_request.declined:${p.requestId}`,
        ),
      ];
    }
    case 'AnnouncementPublished': {
      const p = event.payload;
      const kind = p.category === 'marketing' ? 'marketing' : 'system.update';
      return p.userIds.map((userId) =>
        intent(
          userId,
          kind,
          { announcementId: p.announcementId, title: p.title, body: p.body },
          `announcement:${p.announcementId}`,
        ),
      );
    }
  }
}

/** "alice@example.com" → "a••••@example.com"; a phone or address keeps its last 4 characters. */
export function maskRecipient(ref: string): string {
  const at = ref.indexOf('@');
  if (at > 0) return `${ref[0]}••••${ref.slice(at)}`;
  return ref.length <= 4 ? ref : `••••${ref.slice(-4)}`;
}

function pick<P extends Record<string, unknown>, const Keys extends Array<keyof P & string>>(
  payload: P,
  keys: Keys,
): never {
  return Object.fromEntries(keys.map((key) => [key, payload[key] ?? null])) as never;
}
