import {
  PublishedEvent,
  type DomainEvent,
  type DomainEvents,
  type MoneyMovementEventName,
} from '#monay/shared';
import { historyOf, type HistoryLine, type MovementView } from './history';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

function event<K extends MoneyMovementEventName>(type: K, payload: DomainEvents[K]): DomainEvent<K> {
  return new PublishedEvent('e-1', '1', type, 'agg-1', [A], payload, new Date()) as DomainEvent<K>;
}

/** A line with no counterparty, batch or note, as provider movements and swaps have. */
function line(
  lineId: string,
  type: HistoryLine['type'],
  status: HistoryLine['status'],
  currency: string,
  amount: string,
  fee: string,
  failureCode: string | null = null,
): HistoryLine {
  const [referenceId] = lineId.split(':');
  return {
    lineId,
    userId: A,
    type,
    referenceId,
    batchId: null,
    counterpartyUserId: null,
    counterpartyDisplay: null,
    currency,
    amount,
    fee,
    status,
    failureCode,
    note: null,
    feeMode: 'on_top',
    hints: { kind: 'p2p' },
  };
}

const asDeposit = (l: HistoryLine, method: string | null): HistoryLine => ({
  ...l,
  feeMode: 'withheld',
  hints: { kind: 'deposit', method },
});
const asWithdrawal = (l: HistoryLine, destination: string | null = null): HistoryLine => ({
  ...l,
  hints: { kind: 'withdrawal', destination },
});
const asSwap = (l: HistoryLine): HistoryLine => ({
  ...l,
  feeMode: 'inside',
  hints: { kind: 'swap', from: 'USDC', to: 'EURC' },
});

const usdc = { userId: A, currency: 'USDC' };
const bankWithdrawal = {
  bankTransferId: 't-1',
  userId: A,
  rail: 'ach' as const,
  direction: 'withdrawal' as const,
  speed: 'standard',
  currency: 'USDC',
  amount: '100.000000',
  fee: '0.250000',
  bankAccount: 'Gingham Bank ••1234',
};
const bill = {
  billPaymentId: 'p-1',
  userId: A,
  payeeId: 'y-1',
  billerName: 'Consolidated Power & Light',
  billerType: 'electricity',
  method: 'electronic' as const,
  currency: 'USDC',
  amount: '80.00',
  account: '••7890',
};
const asBill = (l: HistoryLine, reversal = false): HistoryLine => ({
  ...l,
  hints: { kind: 'bill', billerType: 'electricity', billerName: 'Consolidated Power & Light', reversal },
});
const bankDeposit = { ...bankWithdrawal, bankTransferId: 't-2', direction: 'deposit' as const };
const asBank = (l: HistoryLine, direction: 'in' | 'out', returnCode: string | null): HistoryLine => ({
  ...l,
  hints: { kind: 'bank', rail: 'ach', direction, account: 'Gingham Bank ••1234', returnCode },
});
const moved = (delta: bigint, currency = 'USDC', userId = A) => ({ userId, currency, delta });

const cardBase = {
  authorizationId: 'a-1',
  cardId: 'c-1',
  userId: A,
  last4: '4242',
  currency: 'USDC',
  merchant: { name: 'Corner Bistro', mcc: '5812', city: null, country: 'US' },
};
const cardLine = (
  status: HistoryLine['status'],
  amount: string,
  failureCode: string | null = null,
): HistoryLine => ({
  ...line('a-1:card', 'card_payment', status, 'USDC', amount, '0.00', failureCode),
  note: 'Corner Bistro',
  hints: { kind: 'card', merchant: 'Corner Bistro', mcc: '5812' },
});

const transfer: DomainEvents['FundsTransferred'] = {
  transferId: 't-1',
  batchId: null,
  senderId: A,
  recipientId: B,
  recipientRef: 'bob@example.com',
  currency: 'USDC',
  amount: '7.25',
  fee: '0.10',
  note: 'coffee',
  ledgerTransactionId: 'l-1',
  completedAt: '2026-01-01T00:00:00.000Z',
};
const deposit = { depositId: 'd-1', userId: A, currency: 'USDC', amount: '50.00' };
const withdrawal = { withdrawalId: 'w-1', userId: A, currency: 'USDC', amount: '20.00' };
const external = {
  transferId: 'x-1',
  userId: A,
  currency: 'USDC',
  amount: '5.00',
  to: '0x1111111111111111111111111111111111111111',
  recipients: 1,
  batchId: null,
  note: 'rent',
};
const swap = {
  swapId: 's-1',
  userId: A,
  quoteId: 'q-1',
  from: 'USDC',
  to: 'EURC',
  amountIn: '10.00',
};
const externalLine = (status: HistoryLine['status'], fee: string, failureCode: string | null = null) => ({
  ...line('x-1:external', 'transfer_out', status, 'USDC', '5.00', fee, failureCode),
  note: 'rent',
  hints: {
    kind: 'external_transfer' as const,
    address: '0x1111111111111111111111111111111111111111',
    recipients: 1,
  },
});

/**
 * Every money movement event → what the user sees of it. A `Record` over the catalogue's money movements: a new kind
 * does not compile until it has a row here.
 */
const TABLE: { [K in MoneyMovementEventName]: [DomainEvent<K>, MovementView] } = {
  WalletCredited: [
    event('WalletCredited', {
      userId: A,
      currency: 'USDC',
      amount: '20.00',
      fee: '0.50',
      provider: 'monay',
      ledgerTransactionId: 'l-9',
    }),
    {
      lines: [
        {
          ...line('l-9:in', 'deposit', 'completed', 'USDC', '20.00', '0.50'),
          hints: { kind: 'deposit', method: null },
        },
      ],
      fees: [],
      posted: [moved(19_500_000n)],
      balances: [usdc],
    },
  ],
  FundsTransferred: [
    event('FundsTransferred', transfer),
    {
      lines: [
        {
          lineId: 't-1:out',
          userId: A,
          type: 'transfer_out',
          referenceId: 't-1',
          batchId: null,
          counterpartyUserId: B,
          counterpartyDisplay: 'b***@e***.com',
          currency: 'USDC',
          amount: '7.25',
          fee: '0.10',
          status: 'completed',
          failureCode: null,
          note: 'coffee',
          feeMode: 'on_top',
          hints: { kind: 'p2p' },
        },
        {
          lineId: 't-1:in',
          userId: B,
          type: 'transfer_in',
          referenceId: 't-1',
          batchId: null,
          counterpartyUserId: A,
          counterpartyDisplay: null,
          currency: 'USDC',
          amount: '7.25',
          fee: '0.00',
          status: 'completed',
          failureCode: null,
          note: 'coffee',
          feeMode: 'on_top',
          hints: { kind: 'p2p' },
        },
      ],
      fees: [],
      posted: [moved(-7_350_000n), moved(7_250_000n, 'USDC', B)],
      balances: [usdc, { userId: B, currency: 'USDC' }],
    },
  ],
  TransferFailed: [
    event('TransferFailed', {
      transferId: null,
      batchId: 'b-1',
      senderId: A,
      currency: 'USDC',
      amount: '300.00',
      reason: 'INSUFFICIENT_FUNDS',
    }),
    {
      lines: [
        {
          ...line('b-1:out', 'transfer_out', 'failed', 'USDC', '300.00', '0.00', 'INSUFFICIENT_FUNDS'),
          batchId: 'b-1',
        },
      ],
      fees: [],
      posted: [],
      balances: [],
    },
  ],
  BatchTransferCompleted: [
    event('BatchTransferCompleted', {
      batchId: 'b-2',
      senderId: A,
      recipientCount: 2,
      totals: [
        { currency: 'USDC', amount: '3.00' },
        { currency: 'EURC', amount: '1.00' },
      ],
      feeCurrency: 'USDC',
      fee: '0.25',
      ledgerTransactionId: 'l-2',
    }),
    {
      lines: [],
      fees: [
        {
          chargeId: 'b-2:fee',
          userId: A,
          referenceId: 'b-2',
          batchId: 'b-2',
          currency: 'USDC',
          amount: '0.25',
        },
      ],
      posted: [moved(-250_000n)],
      balances: [usdc, { userId: A, currency: 'EURC' }],
    },
  ],
  DepositInitiated: [
    event('DepositInitiated', { ...deposit, provider: 'circle', method: 'bank' }),
    {
      lines: [asDeposit(line('d-1:deposit', 'deposit', 'processing', 'USDC', '50.00', '0.00'), 'bank')],
      fees: [],
      posted: [],
      balances: [],
    },
  ],
  DepositCompleted: [
    event('DepositCompleted', {
      ...deposit,
      fee: '0.02',
      credited: '49.98',
      provider: 'circle',
      method: 'bank',
      ledgerTransactionId: 'l-3',
      completedAt: '2026-01-01T00:00:00.000Z',
    }),
    {
      lines: [asDeposit(line('d-1:deposit', 'deposit', 'completed', 'USDC', '49.98', '0.02'), 'bank')],
      fees: [],
      posted: [moved(49_980_000n)],
      balances: [usdc],
    },
  ],
  DepositFailed: [
    event('DepositFailed', { ...deposit, provider: null, reason: 'PROVIDER_UNAVAILABLE' }),
    {
      lines: [
        asDeposit(
          line('d-1:deposit', 'deposit', 'failed', 'USDC', '50.00', '0.00', 'PROVIDER_UNAVAILABLE'),
          null,
        ),
      ],
      fees: [],
      posted: [],
      balances: [],
    },
  ],
  WithdrawalRequested: [
    event('WithdrawalRequested', { ...withdrawal, held: '21.00', destination: '…1234', speed: 'standard' }),
    {
      lines: [
        asWithdrawal(line('w-1:withdrawal', 'withdrawal', 'processing', 'USDC', '20.00', '0.00'), '…1234'),
      ],
      fees: [],
      posted: [],
      balances: [usdc],
    },
  ],
  WithdrawalCompleted: [
    event('WithdrawalCompleted', {
      ...withdrawal,
      fee: '1.00',
      debited: '21.00',
      provider: 'circle',
      ledgerTransactionId: 'l-4',
      completedAt: '2026-01-01T00:00:00.000Z',
    }),
    {
      lines: [asWithdrawal(line('w-1:withdrawal', 'withdrawal', 'completed', 'USDC', '20.00', '1.00'))],
      fees: [],
      posted: [moved(-21_000_000n)],
      balances: [usdc],
    },
  ],
  WithdrawalFailed: [
    event('WithdrawalFailed', {
      ...withdrawal,
      provider: 'tempo',
      reason: 'PROVIDER_FAILED',
      holdReleased: true,
    }),
    {
      lines: [
        asWithdrawal(
          line('w-1:withdrawal', 'withdrawal', 'failed', 'USDC', '20.00', '0.00', 'PROVIDER_FAILED'),
        ),
      ],
      fees: [],
      posted: [],
      balances: [usdc],
    },
  ],
  ExternalTransferRequested: [
    event('ExternalTransferRequested', { ...external, held: '5.10' }),
    { lines: [externalLine('processing', '0.00')], fees: [], posted: [], balances: [usdc] },
  ],
  ExternalTransferCompleted: [
    event('ExternalTransferCompleted', {
      ...external,
      fee: '0.0001',
      debited: '5.0001',
      provider: 'tempo',
      providerTransactionId: '0xabc',
      ledgerTransactionId: 'l-5',
      completedAt: '2026-01-01T00:00:00.000Z',
    }),
    {
      lines: [externalLine('completed', '0.0001')],
      fees: [],
      posted: [moved(-5_000_100n)],
      balances: [usdc],
    },
  ],
  ExternalTransferFailed: [
    event('ExternalTransferFailed', {
      ...external,
      provider: null,
      reason: 'INSUFFICIENT_FUNDS',
      holdReleased: false,
    }),
    { lines: [externalLine('failed', '0.00', 'INSUFFICIENT_FUNDS')], fees: [], posted: [], balances: [] },
  ],
  SwapRequested: [
    event('SwapRequested', { ...swap, fee: '0.03', rate: '0.92', amountOut: '9.1724', provider: 'tempo' }),
    {
      lines: [asSwap(line('s-1:swap_out', 'swap_out', 'processing', 'USDC', '10.00', '0.03'))],
      fees: [],
      posted: [],
      balances: [usdc],
    },
  ],
  SwapCompleted: [
    event('SwapCompleted', {
      ...swap,
      fee: '0.03',
      rate: '0.92',
      amountOut: '9.1724',
      provider: 'tempo',
      ledgerTransactionId: 'l-6',
      completedAt: '2026-01-01T00:00:00.000Z',
    }),
    {
      lines: [
        asSwap(line('s-1:swap_out', 'swap_out', 'completed', 'USDC', '10.00', '0.03')),
        asSwap(line('s-1:swap_in', 'swap_in', 'completed', 'EURC', '9.1724', '0.00')),
      ],
      fees: [],
      posted: [moved(-10_000_000n), moved(9_172_400n, 'EURC')],
      balances: [usdc, { userId: A, currency: 'EURC' }],
    },
  ],
  SwapFailed: [
    event('SwapFailed', { ...swap, provider: 'tempo', reason: 'PROVIDER_FAILED', holdReleased: true }),
    {
      lines: [asSwap(line('s-1:swap_out', 'swap_out', 'failed', 'USDC', '10.00', '0.00', 'PROVIDER_FAILED'))],
      fees: [],
      posted: [],
      balances: [usdc],
    },
  ],
  CardAuthorizationApproved: [
    event('CardAuthorizationApproved', { ...cardBase, amount: '25.00', held: '25.00', incremental: false }),
    { lines: [cardLine('processing', '25.00')], fees: [], posted: [], balances: [usdc] },
  ],
  CardAuthorizationDeclined: [
    event('CardAuthorizationDeclined', {
      ...cardBase,
      amount: '25.00',
      code: 'CARD_PAUSED',
      incremental: false,
    }),
    { lines: [cardLine('failed', '25.00', 'CARD_PAUSED')], fees: [], posted: [], balances: [] },
  ],
  CardAuthorizationCleared: [
    event('CardAuthorizationCleared', {
      ...cardBase,
      amount: '20.00',
      debited: '20.00',
      receivable: '0.00',
      released: '5.00',
      clearedTotal: '20.00',
      held: '0.00',
      final: true,
    }),
    { lines: [cardLine('completed', '20.00')], fees: [], posted: [moved(-20_000_000n)], balances: [usdc] },
  ],
  CardAuthorizationReleased: [
    event('CardAuthorizationReleased', {
      ...cardBase,
      reason: 'expiry',
      released: '25.00',
      held: '0.00',
      clearedTotal: '0.00',
    }),
    { lines: [cardLine('failed', '25.00', 'EXPIRED')], fees: [], posted: [], balances: [usdc] },
  ],
  CardRefunded: [
    event('CardRefunded', { ...cardBase, refundId: 'evt_r', amount: '5.00', clearedTotal: '20.00' }),
    {
      lines: [{ ...cardLine('completed', '5.00'), lineId: 'evt_r', type: 'card_refund' }],
      fees: [],
      posted: [moved(5_000_000n)],
      balances: [usdc],
    },
  ],
  RewardCashbackCredited: [
    event('RewardCashbackCredited', {
      redemptionId: 'r-1',
      userId: A,
      itemId: 'cashback-5-usdc',
      currency: 'USDC',
      amount: '5.50',
      points: '500',
      ledgerTransactionId: 'l-7',
      completedAt: '2026-01-01T00:00:00.000Z',
    }),
    {
      lines: [
        {
          ...line('r-1:reward', 'reward', 'completed', 'USDC', '5.50', '0.00'),
          hints: { kind: 'reward', item: 'cashback-5-usdc' },
        },
      ],
      fees: [],
      posted: [moved(5_500_000n)],
      balances: [usdc],
    },
  ],
  InviteTransferPending: [
    event('InviteTransferPending', {
      inviteId: 'i-1',
      senderId: A,
      recipientRef: 'dana@example.com',
      currency: 'USDC',
      amount: '25.00',
      fee: '0.00',
      note: 'welcome',
      holdId: 'h-1',
      expiresAt: '2026-01-08T00:00:00.000Z',
    }),
    {
      lines: [
        {
          ...line('i-1:out', 'transfer_out', 'processing', 'USDC', '25.00', '0.00'),
          counterpartyDisplay: 'd***@e***.com',
          note: 'welcome',
          hints: { kind: 'p2p' },
        },
      ],
      fees: [],
      posted: [],
      balances: [{ userId: A, currency: 'USDC' }],
    },
  ],
  InviteTransferVoided: [
    event('InviteTransferVoided', {
      inviteId: 'i-1',
      senderId: A,
      recipientRef: '+14155550100',
      currency: 'USDC',
      amount: '25.00',
      reason: 'expired',
      at: '2026-01-08T00:00:00.000Z',
    }),
    {
      lines: [
        {
          ...line('i-1:out', 'transfer_out', 'failed', 'USDC', '25.00', '0.00', 'INVITE_EXPIRED'),
          counterpartyDisplay: '+1 *** *** 0100',
          hints: { kind: 'p2p' },
        },
      ],
      fees: [],
      posted: [],
      balances: [{ userId: A, currency: 'USDC' }],
    },
  ],
  BankTransferRequested: [
    event('BankTransferRequested', {
      ...bankWithdrawal,
      held: '100.250000',
      expectedSettlementAt: '2026-12-08T14:00:00.000Z',
    }),
    {
      lines: [
        asBank(line('t-1:bank', 'withdrawal', 'processing', 'USDC', '100.000000', '0.00'), 'out', null),
      ],
      fees: [],
      posted: [],
      balances: [usdc],
    },
  ],
  BankTransferSettled: [
    event('BankTransferSettled', {
      ...bankDeposit,
      posted: '99.750000',
      ledgerTransactionId: 'l-1',
      settledAt: '2026-12-08T14:00:00.000Z',
    }),
    {
      lines: [
        {
          ...asBank(line('t-2:bank', 'deposit', 'completed', 'USDC', '99.750000', '0.250000'), 'in', null),
          feeMode: 'withheld',
        },
      ],
      fees: [],
      posted: [{ userId: A, currency: 'USDC', delta: 99_750_000n }],
      balances: [usdc],
    },
  ],
  BankTransferFailed: [
    event('BankTransferFailed', { ...bankWithdrawal, status: 'failed', reason: 'R03', holdReleased: true }),
    {
      lines: [
        asBank(line('t-1:bank', 'withdrawal', 'failed', 'USDC', '100.000000', '0.00', 'R03'), 'out', null),
      ],
      fees: [],
      posted: [],
      balances: [usdc],
    },
  ],
  BankTransferReturned: [
    event('BankTransferReturned', {
      ...bankWithdrawal,
      returnCode: 'R01',
      meaning: 'Insufficient funds',
      reversed: '100.250000',
      receivable: '0.000000',
      ledgerTransactionId: 'l-2',
      returnedAt: '2026-12-10T16:00:00.000Z',
    }),
    {
      lines: [
        asBank(line('t-1:return', 'deposit', 'completed', 'USDC', '100.250000', '0.00', 'R01'), 'in', 'R01'),
      ],
      fees: [],
      posted: [{ userId: A, currency: 'USDC', delta: 100_250_000n }],
      balances: [usdc],
    },
  ],
  BillPaymentRequested: [
    event('BillPaymentRequested', { ...bill, estimatedDelivery: '2026-12-09' }),
    {
      lines: [asBill(line('p-1:bill', 'withdrawal', 'processing', 'USDC', '80.00', '0.00'))],
      fees: [],
      posted: [],
      balances: [usdc],
    },
  ],
  BillPaymentSent: [
    event('BillPaymentSent', {
      ...bill,
      ledgerTransactionId: 'l-3',
      sentAt: '2026-12-08T14:00:00.000Z',
      estimatedDelivery: '2026-12-09',
    }),
    {
      lines: [asBill(line('p-1:bill', 'withdrawal', 'completed', 'USDC', '80.00', '0.00'))],
      fees: [],
      posted: [{ userId: A, currency: 'USDC', delta: -80_000_000n }],
      balances: [usdc],
    },
  ],
  BillPaymentFailed: [
    event('BillPaymentFailed', { ...bill, status: 'cancelled', reason: 'CANCELLED' }),
    {
      lines: [asBill(line('p-1:bill', 'withdrawal', 'failed', 'USDC', '80.00', '0.00', 'CANCELLED'))],
      fees: [],
      posted: [],
      balances: [usdc],
    },
  ],
  BillPaymentReversed: [
    event('BillPaymentReversed', {
      ...bill,
      ledgerTransactionId: 'l-4',
      reversedAt: '2026-12-11T22:00:00.000Z',
    }),
    {
      lines: [
        asBill(
          line('p-1:reversal', 'deposit', 'completed', 'USDC', '80.00', '0.00', 'REVERSED_BY_BILLER'),
          true,
        ),
      ],
      fees: [],
      posted: [{ userId: A, currency: 'USDC', delta: 80_000_000n }],
      balances: [usdc],
    },
  ],
};

describe('historyOf: what a user sees of each money movement event', () => {
  it.each(Object.entries(TABLE))('%s', (_type, [input, expected]) => {
    expect(historyOf(input)).toEqual(expected);
  });

  it('keeps the sender balance of a batch item for its batch event (touched once per currency)', () => {
    const item = historyOf(event('FundsTransferred', { ...transfer, batchId: 'b-3', fee: '0.00' }));
    expect(item.balances).toEqual([{ userId: B, currency: 'USDC' }]);
  });

  it('tells a failed outbound movement without a hold from one whose hold was released', () => {
    const refused = historyOf(
      event('WithdrawalFailed', {
        ...withdrawal,
        provider: null,
        reason: 'LIMIT_EXCEEDED',
        holdReleased: false,
      }),
    );
    expect(refused.balances).toEqual([]);
  });
});
