/**
 * What a notification can be about, and the category a user's preferences are kept by. A kind's category decides
 * its channels (preferences) and whether quiet hours hold it back: security alerts and money failures never wait.
 */
export const NOTIFICATION_CATEGORIES = [
  'transactions',
  'security',
  'marketing',
  'product_updates',
  'reminders',
  'rewards',
] as const;
export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];

/** in_app is the inbox itself (the notification row); the others are deliveries. */
export const NOTIFICATION_CHANNELS = ['in_app', 'email', 'sms', 'push'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
export type DeliveryChannel = Exclude<NotificationChannel, 'in_app'>;
export const DELIVERY_CHANNELS: readonly DeliveryChannel[] = ['email', 'sms', 'push'];

interface KindSpec {
  category: NotificationCategory;
  /** Sent at once even in quiet hours: security alerts and money that failed to move. */
  critical: boolean;
}

export const KIND_SPECS = {
  'transfer.received': { category: 'transactions', critical: false },
  'transfer.sent': { category: 'transactions', critical: false },
  'transfer.failed': { category: 'transactions', critical: true },
  'deposit.completed': { category: 'transactions', critical: false },
  'withdrawal.completed': { category: 'transactions', critical: false },
  'withdrawal.failed': { category: 'transactions', critical: true },
  'swap.completed': { category: 'transactions', critical: false },
  'bank.settled': { category: 'transactions', critical: false },
  'bank.failed': { category: 'transactions', critical: true },
  'bank.returned': { category: 'transactions', critical: true },
  'bank.account': { category: 'security', critical: true },
  'bill.sent': { category: 'transactions', critical: false },
  'bill.failed': { category: 'transactions', critical: true },
  'bill.reversed': { category: 'transactions', critical: true },
  'card.declined': { category: 'transactions', critical: true },
  'card.refunded': { category: 'transactions', critical: false },
  'card.closed': { category: 'security', critical: true },
  'balance.low': { category: 'transactions', critical: false },
  'balance.high': { category: 'transactions', critical: false },
  'recurring.reminder': { category: 'reminders', critical: false },
  'recurring.succeeded': { category: 'reminders', critical: false },
  'recurring.skipped': { category: 'reminders', critical: true },
  'recurring.paused': { category: 'reminders', critical: true },
  'payment_request.received': { category: 'transactions', critical: false },
  'payment_request.reminder': { category: 'reminders', critical: false },
  'payment_request.paid': { category: 'transactions', critical: false },
  'payment_request.declined': { category: 'transactions', critical: false },
  'security.alert': { category: 'security', critical: true },
  'rewards.cashback': { category: 'rewards', critical: false },
  'rewards.level_up': { category: 'rewards', critical: false },
  'rewards.achievement': { category: 'rewards', critical: false },
  'rewards.expiring': { category: 'rewards', critical: false },
  'rewards.referral': { category: 'rewards', critical: false },
  marketing: { category: 'marketing', critical: false },
  'system.update': { category: 'product_updates', critical: false },
  /** POST /api/notifications/test: through the channel asked for, whatever the preferences say. */
  test: { category: 'product_updates', critical: true },
} as const satisfies Record<string, KindSpec>;

export type NotificationKind = keyof typeof KIND_SPECS;
export const NOTIFICATION_KINDS = Object.keys(KIND_SPECS) as NotificationKind[];

export function categoryOf(kind: NotificationKind): NotificationCategory {
  return KIND_SPECS[kind].category;
}

export function isCritical(kind: NotificationKind): boolean {
  return KIND_SPECS[kind].critical;
}

export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
