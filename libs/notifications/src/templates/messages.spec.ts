import { LOCALES, NOTIFICATION_KINDS } from '../domain/notification-kinds';
import { emailFor } from './email-layout';
import { render } from './messages';

const SAMPLE: Record<string, Record<string, unknown>> = {
  'transfer.received': { transferId: 't', amount: '12.50', currency: 'USDC', note: 'rent' },
  'transfer.sent': {
    transferId: 't',
    amount: '12.50',
    currency: 'USDC',
    fee: '0.10',
    to: 'b••••@example.com',
  },
  'transfer.failed': { transferId: null, amount: '5.00', currency: 'USDC', reason: 'INSUFFICIENT_FUNDS' },
  'deposit.completed': { depositId: 'd', amount: '10.01', credited: '10.00', currency: 'USDC' },
  'withdrawal.completed': { withdrawalId: 'w', amount: '3.00', currency: 'USDT' },
  'withdrawal.failed': {
    withdrawalId: 'w',
    amount: '3.00',
    currency: 'USDT',
    reason: 'PROVIDER_UNAVAILABLE',
  },
  'swap.completed': { swapId: 's', from: 'USDC', to: 'EURC', amountIn: '10.00', amountOut: '9.20' },
  'bank.settled': {
    bankTransferId: 'b',
    direction: 'deposit',
    rail: 'ach',
    amount: '100.000000',
    posted: '99.750000',
    currency: 'USDC',
    bankAccount: 'Gingham Bank ••1234',
  },
  'bank.failed': {
    bankTransferId: 'b',
    direction: 'withdrawal',
    amount: '5.000000',
    currency: 'USDC',
    bankAccount: 'Gingham Bank ••1234',
    reason: 'R03',
  },
  'bank.returned': {
    bankTransferId: 'b',
    direction: 'withdrawal',
    amount: '5.000000',
    reversed: '5.250000',
    currency: 'USDC',
    bankAccount: 'Gingham Bank ••1234',
    returnCode: 'R01',
    meaning: 'Insufficient funds',
  },
  'bank.account': {
    bankAccountId: 'a',
    bankAccount: 'Gingham Bank ••1234',
    status: 'verified',
    reason: null,
  },
  'bill.sent': {
    billPaymentId: 'p',
    billerName: 'City Water Works',
    amount: '80.00',
    currency: 'USDC',
    estimatedDelivery: '2026-12-11',
  },
  'bill.failed': {
    billPaymentId: 'p',
    billerName: 'City Water Works',
    amount: '80.00',
    currency: 'USDC',
    reason: 'CANCELLED',
  },
  'bill.reversed': { billPaymentId: 'p', billerName: 'City Water Works', amount: '80.00', currency: 'USDC' },
  'card.declined': {
    authorizationId: 'a',
    last4: '4242',
    amount: '25.00',
    currency: 'USDC',
    merchant: 'Corner Bistro',
    code: 'CARD_PAUSED',
  },
  'card.refunded': {
    authorizationId: 'a',
    last4: '4242',
    amount: '5.00',
    currency: 'USDC',
    merchant: 'Shop',
  },
  'card.closed': { cardId: 'c', last4: '4242', reason: 'stolen' },
  'balance.low': { monitorId: 'm', currency: 'USDC', threshold: '30.00', balance: '25.00' },
  'balance.high': { monitorId: 'm', currency: 'USDC', threshold: '30.00', balance: '35.00' },
  'recurring.reminder': {
    scheduleId: 's',
    occurrenceAt: 'x',
    amount: '1.00',
    currency: 'USDC',
    recipient: 'r',
  },
  'recurring.succeeded': {
    scheduleId: 's',
    occurrenceAt: 'x',
    transferId: 't',
    amount: '1.00',
    currency: 'USDC',
    recipient: 'r',
  },
  'recurring.skipped': {
    scheduleId: 's',
    occurrenceAt: 'x',
    failureCode: 'LIMIT_EXCEEDED',
    attempts: 1,
    amount: '1.00',
    currency: 'USDC',
    recipient: 'r',
  },
  'recurring.paused': { scheduleId: 's', skippedInARow: 3, amount: '1.00', currency: 'USDC', recipient: 'r' },
  'payment_request.received': {
    requestId: 'r',
    amount: '12.50',
    currency: 'USDC',
    note: 'dinner',
    expiresAt: '2026-01-08T00:00:00Z',
  },
  'payment_request.reminder': {
    requestId: 'r',
    amount: null,
    currency: 'USDC',
    note: null,
    expiresAt: '2026-01-08T00:00:00Z',
  },
  'payment_request.paid': { requestId: 'r', transferId: 't', amount: '12.50', currency: 'USDC' },
  'payment_request.declined': { requestId: 'r', amount: '12.50', currency: 'USDC' },
  'security.alert': {
    event: 'new_device',
    device: 'Chrome on macOS',
    ip: '203.0.113.9',
    at: '2026-01-01T00:00:00Z',
  },
  'rewards.cashback': { redemptionId: 'r', amount: '5.00', currency: 'USDC', points: '500' },
  'rewards.level_up': { level: 'gold', perk: '10% more cashback on every cashback redemption' },
  'rewards.achievement': { achievementId: 'first-transfer', name: 'First transfer', points: '100' },
  'rewards.expiring': { points: '700', expiresAt: '2027-12-08T00:00:00.000Z' },
  'rewards.referral': { referralId: 'r', status: 'approved', points: '1000', side: 'referrer' },
  marketing: { announcementId: 'a', title: 'EURC is here', body: 'Hold euros.' },
  'system.update': { announcementId: 'a', title: 'Maintenance', body: 'Sunday 02:00 UTC.' },
  test: { channel: 'email' },
};

describe('templates', () => {
  it.each(LOCALES.flatMap((locale) => NOTIFICATION_KINDS.map((kind) => [kind, locale] as const)))(
    '%s in %s has a title, a body and an SMS, with no unfilled variable',
    (kind, locale) => {
      const text = render(kind, locale, SAMPLE[kind] as never);
      for (const part of [text.title, text.body, text.sms]) {
        expect(part.length).toBeGreaterThan(0);
        expect(part).not.toMatch(/undefined|null|\[object/);
      }
    },
  );

  it('writes each locale in its own words', () => {
    expect(render('transfer.received', 'en', SAMPLE['transfer.received'] as never)).toEqual({
      title: 'Money received',
      body: 'You received 12.50 USDC. Note: “rent”.',
      sms: 'Monay: Money received. You received 12.50 USDC. Note: “rent”.',
    });
    expect(render('transfer.received', 'es', SAMPLE['transfer.received'] as never).title).toBe(
      'Dinero recibido',
    );
    expect(render('transfer.failed', 'en', SAMPLE['transfer.failed'] as never).body).toContain(
      'not enough funds',
    );
    expect(render('transfer.failed', 'es', SAMPLE['transfer.failed'] as never).body).toContain(
      'fondos insuficientes',
    );
  });

  it('escapes HTML in emails, and only marketing carries List-Unsubscribe', () => {
    const plain = emailFor({ title: 'A <b>title</b>', body: 'Tom & "Jerry"', locale: 'en' });
    expect(plain.html).toContain('A &lt;b&gt;title&lt;/b&gt;');
    expect(plain.html).toContain('Tom &amp; &quot;Jerry&quot;');
    expect(plain.text).toContain('Tom & "Jerry"');
    expect(plain.headers).toEqual({});
    const marketing = emailFor({
      title: 'News',
      body: 'Body',
      locale: 'es',
      unsubscribeUrl: 'https://monay.example/api/notifications/unsubscribe?token=u.t',
      unsubscribeMailto: 'unsubscribe+u.t@monay.example',
    });
    expect(marketing.headers).toEqual({
      'List-Unsubscribe':
        '<https://monay.example/api/notifications/unsubscribe?token=u.t>, <mailto:unsubscribe+u.t@monay.example>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(marketing.html).toContain('lang="es"');
  });
});
