import { PublishedEvent, type DomainEvent, type DomainEventName, type DomainEvents } from '#monay/shared';
import type {
  BatchTransferCompletedPayload,
  FundsTransferredPayload,
  TransferFailedPayload,
} from '#monay/transfers';
import type { NotificationCreatedPayload } from '#monay/notifications';
import type { WalletCreditedPayload } from '#monay/wallet';
import { realtimeMessagesFor, type UserBalance } from './realtime-messages';

const ALICE = '00000000-0000-4000-8000-00000000000a';
const BOB = '00000000-0000-4000-8000-00000000000b';
const EVE = '00000000-0000-4000-8000-00000000000e';
const EVENT_ID = '11111111-1111-4111-8111-111111111111';

function event<K extends DomainEventName>(
  type: K,
  userIds: string[],
  payload: DomainEvents[K],
  aggregateId = 'agg',
): DomainEvent {
  return new PublishedEvent(
    EVENT_ID,
    '42',
    type,
    aggregateId,
    userIds,
    payload,
    new Date('2026-01-01T00:00:00Z'),
  ) as DomainEvent;
}

const transfer = (overrides: Partial<FundsTransferredPayload> = {}): FundsTransferredPayload => ({
  transferId: 't-1',
  batchId: null,
  senderId: ALICE,
  recipientId: BOB,
  recipientRef: 'bob@example.com',
  currency: 'USDC',
  amount: '7.25',
  fee: '0.10',
  note: 'coffee',
  ledgerTransactionId: 'l-1',
  completedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

const usdc = (posted: bigint, pendingDebits = 0n): UserBalance => ({
  currency: 'USDC',
  posted,
  pendingDebits,
});

describe('realtimeMessagesFor', () => {
  it('sends a deposit to its owner as transaction.updated then the current balance', () => {
    const payload: WalletCreditedPayload = {
      userId: BOB,
      currency: 'USDC',
      amount: '20.00',
      fee: '0.50',
      provider: 'tempo',
      ledgerTransactionId: 'l-9',
    };
    expect(
      realtimeMessagesFor(event('WalletCredited', [BOB], payload), BOB, [usdc(19_500_000n, 2_000_000n)]),
    ).toEqual([
      {
        event: 'transaction.updated',
        data: {
          eventId: EVENT_ID,
          id: 'l-9',
          type: 'deposit',
          status: 'completed',
          amount: '20.00',
          fee: '0.50',
          currency: 'USDC',
          counterparty: null,
          batchId: null,
        },
      },
      {
        event: 'balance.updated',
        data: { eventId: EVENT_ID, currency: 'USDC', available: '17.50', pending: '2.00', total: '19.50' },
      },
    ]);
  });

  it('sends the sender of a transfer transaction.updated and balance.updated', () => {
    const messages = realtimeMessagesFor(event('FundsTransferred', [ALICE, BOB], transfer()), ALICE, [
      usdc(42_650_000n),
    ]);
    expect(messages).toEqual([
      {
        event: 'transaction.updated',
        data: {
          eventId: EVENT_ID,
          id: 't-1',
          type: 'transfer_out',
          status: 'completed',
          amount: '7.25',
          fee: '0.10',
          currency: 'USDC',
          // What the sender typed, masked; never the recipient's id.
          counterparty: { displayName: 'b***@e***.com' },
          batchId: null,
        },
      },
      {
        event: 'balance.updated',
        data: { eventId: EVENT_ID, currency: 'USDC', available: '42.65', pending: '0.00', total: '42.65' },
      },
    ]);
  });

  it('sends the recipient transfer.received, transaction.updated (no fee) and balance.updated, in that order', () => {
    const messages = realtimeMessagesFor(event('FundsTransferred', [ALICE, BOB], transfer()), BOB, [
      usdc(7_250_000n),
    ]);
    expect(messages).toEqual([
      {
        event: 'transfer.received',
        data: {
          eventId: EVENT_ID,
          id: 't-1',
          from: { userId: ALICE },
          amount: '7.25',
          currency: 'USDC',
          note: 'coffee',
          batchId: null,
        },
      },
      {
        event: 'transaction.updated',
        data: expect.objectContaining({ type: 'transfer_in', fee: '0.00', counterparty: { userId: ALICE } }),
      },
      {
        event: 'balance.updated',
        data: { eventId: EVENT_ID, currency: 'USDC', available: '7.25', pending: '0.00', total: '7.25' },
      },
    ]);
  });

  it('reports a balance of zero for a currency the user has no account in yet', () => {
    const [, , balance] = realtimeMessagesFor(event('FundsTransferred', [ALICE, BOB], transfer()), BOB, []);
    expect(balance).toEqual({
      event: 'balance.updated',
      data: { eventId: EVENT_ID, currency: 'USDC', available: '0.00', pending: '0.00', total: '0.00' },
    });
  });

  it('leaves the balance of a batch sender to BatchTransferCompleted: one per currency moved or charged', () => {
    const item = event('FundsTransferred', [ALICE, BOB], transfer({ batchId: 'b-1', fee: '0.00' }));
    expect(realtimeMessagesFor(item, ALICE, []).map((m) => m.event)).toEqual(['transaction.updated']);
    expect(realtimeMessagesFor(item, BOB, []).map((m) => m.event)).toEqual([
      'transfer.received',
      'transaction.updated',
      'balance.updated',
    ]);
    const summary: BatchTransferCompletedPayload = {
      batchId: 'b-1',
      senderId: ALICE,
      recipientCount: 3,
      totals: [
        { currency: 'USDC', amount: '30.00' },
        { currency: 'EURC', amount: '5.00' },
      ],
      feeCurrency: 'USDC',
      fee: '0.50',
      ledgerTransactionId: 'l-2',
    };
    const completed = realtimeMessagesFor(event('BatchTransferCompleted', [ALICE], summary), ALICE, [
      usdc(69_500_000n),
      { currency: 'EURC', posted: 15_000_000n, pendingDebits: 0n },
    ]);
    expect(completed.map((m) => m.data)).toEqual([
      { eventId: EVENT_ID, currency: 'USDC', available: '69.50', pending: '0.00', total: '69.50' },
      { eventId: EVENT_ID, currency: 'EURC', available: '15.00', pending: '0.00', total: '15.00' },
    ]);
  });

  it('tells the sender of a refused transfer, with the reason and no balance', () => {
    const payload: TransferFailedPayload = {
      transferId: null,
      batchId: 'b-2',
      senderId: ALICE,
      currency: 'USDC',
      amount: '99.00',
      reason: 'INSUFFICIENT_FUNDS',
    };
    expect(realtimeMessagesFor(event('TransferFailed', [ALICE], payload, 'b-2'), ALICE, [])).toEqual([
      {
        event: 'transaction.updated',
        data: {
          eventId: EVENT_ID,
          id: 'b-2',
          type: 'transfer_out',
          status: 'failed',
          amount: '99.00',
          fee: '0.00',
          currency: 'USDC',
          counterparty: null,
          batchId: 'b-2',
          failureCode: 'INSUFFICIENT_FUNDS',
        },
      },
    ]);
  });

  it('sends nothing to a user the event does not concern, and nothing for other event types', () => {
    expect(realtimeMessagesFor(event('FundsTransferred', [ALICE, BOB], transfer()), EVE, [])).toEqual([]);
    const reminder = {
      scheduleId: 's-1',
      userId: ALICE,
      occurrenceAt: '2026-01-02T00:00:00.000Z',
      amount: '1.00',
      currency: 'USDC',
      recipient: 'bob@example.com',
    } as DomainEvents['RecurringTransferUpcoming'];
    expect(realtimeMessagesFor(event('RecurringTransferUpcoming', [ALICE], reminder), ALICE, [])).toEqual([]);
  });

  it('sends a created notification to its user only, as notification.created', () => {
    const payload: NotificationCreatedPayload = {
      notificationId: 'n-1',
      userId: ALICE,
      kind: 'recurring.skipped',
      title: 'Recurring transfer skipped',
      body: '5.00 USDC to bob was not sent',
      data: { scheduleId: 's-1', amount: '5.00', currency: 'USDC' },
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    const created = event('NotificationCreated', [ALICE], payload);
    expect(realtimeMessagesFor(created, ALICE, [])).toEqual([
      {
        event: 'notification.created',
        data: {
          eventId: EVENT_ID,
          id: 'n-1',
          kind: 'recurring.skipped',
          title: 'Recurring transfer skipped',
          body: '5.00 USDC to bob was not sent',
          data: { scheduleId: 's-1', amount: '5.00', currency: 'USDC' },
          createdAt: '2026-01-01T00:00:00.000Z',
        },
      },
    ]);
    expect(realtimeMessagesFor(created, BOB, [])).toEqual([]);
  });
});

describe('realtimeMessagesFor: card authorizations', () => {
  const declined = event('CardAuthorizationDeclined', [ALICE], {
    authorizationId: 'a-1',
    cardId: 'c-1',
    userId: ALICE,
    last4: '4242',
    currency: 'USDC',
    merchant: { name: 'Corner Bistro', mcc: '5812', city: null, country: 'US' },
    amount: '25.00',
    code: 'CARD_PAUSED',
    incremental: false,
  });

  it('tells the cardholder a decline with its code, and nobody else', () => {
    expect(realtimeMessagesFor(declined, ALICE, [])).toEqual(
      expect.arrayContaining([
        {
          event: 'card.authorization',
          data: {
            eventId: EVENT_ID,
            authorizationId: 'a-1',
            cardId: 'c-1',
            last4: '4242',
            status: 'declined',
            amount: '25.00',
            currency: 'USDC',
            merchant: { name: 'Corner Bistro', mcc: '5812' },
            declineCode: 'CARD_PAUSED',
          },
        },
      ]),
    );
    expect(realtimeMessagesFor(declined, BOB, [])).toEqual([]);
  });
});
