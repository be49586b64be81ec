import type { HistoryLine, MovementKind } from '../history';
import { classify, classifyBill, classifyFee, classifyPurchase, directionOf } from './classifier';
import { categoryOfNote } from './note-keywords';

const ME = '00000000-0000-4000-8000-00000000000a';
const BOB = '00000000-0000-4000-8000-00000000000b';

function line(overrides: Partial<HistoryLine>): HistoryLine {
  return {
    lineId: 'r-1:out',
    userId: ME,
    type: 'transfer_out',
    referenceId: 'r-1',
    batchId: null,
    counterpartyUserId: null,
    counterpartyDisplay: null,
    currency: 'USDC',
    amount: '10.00',
    fee: '0.00',
    status: 'completed',
    failureCode: null,
    note: null,
    feeMode: 'on_top',
    hints: { kind: 'p2p' },
    ...overrides,
  };
}

/** One line of every kind of movement: a new kind does not compile until it has a line here. */
const ONE_OF_EACH: Record<MovementKind, HistoryLine> = {
  p2p: line({ counterpartyUserId: BOB, note: 'pizza night' }),
  deposit: line({ type: 'deposit', feeMode: 'withheld', hints: { kind: 'deposit', method: 'bank' } }),
  withdrawal: line({ type: 'withdrawal', hints: { kind: 'withdrawal', destination: '…1234' } }),
  external_transfer: line({
    note: 'AMZN MKTP US*2K4',
    hints: {
      kind: 'external_transfer',
      address: '0xABCDEF0000000000000000000000000000000001',
      recipients: 1,
    },
  }),
  swap: line({ type: 'swap_out', feeMode: 'inside', hints: { kind: 'swap', from: 'USDC', to: 'EURC' } }),
  bill: line({
    type: 'withdrawal',
    hints: {
      kind: 'bill',
      billerType: 'electricity',
      billerName: 'Consolidated Power & Light',
      reversal: false,
    },
  }),
  bank: line({
    type: 'deposit',
    feeMode: 'withheld',
    hints: { kind: 'bank', rail: 'ach', direction: 'in', account: 'Gingham Bank ••1234', returnCode: null },
  }),
  card: line({
    type: 'card_payment',
    note: 'Corner Bistro',
    hints: { kind: 'card', merchant: 'Corner Bistro', mcc: '5812' },
  }),
  reward: line({ type: 'reward', hints: { kind: 'reward', item: 'cashback-5-usdc' } }),
};

describe('classifier: one case per kind of movement', () => {
  it('classifies a line of every kind', () => {
    expect(
      Object.fromEntries(
        Object.entries(ONE_OF_EACH).map(([kind, l]) => {
          const c = classify(l);
          return [kind, [c.subCategory, c.confidence, c.direction, c.excluded, c.merchant, c.counterparty]];
        }),
      ),
    ).toEqual({
      p2p: ['FOOD_AND_DRINK_RESTAURANT', 'MEDIUM', 'out', false, null, BOB],
      deposit: ['TRANSFER_IN_ACCOUNT_TRANSFER', 'HIGH', 'in', false, null, null],
      withdrawal: ['TRANSFER_OUT_WITHDRAWAL', 'VERY_HIGH', 'out', false, null, '…1234'],
      external_transfer: [
        'GENERAL_MERCHANDISE_ONLINE_MARKETPLACES',
        'HIGH',
        'out',
        false,
        'Amazon',
        '0xabcdef0000000000000000000000000000000001',
      ],
      swap: ['TRANSFER_OUT_ACCOUNT_TRANSFER', 'VERY_HIGH', 'out', true, null, null],
      bank: ['TRANSFER_IN_ACCOUNT_TRANSFER', 'VERY_HIGH', 'in', false, null, 'Gingham Bank ••1234'],
      bill: [
        'RENT_AND_UTILITIES_GAS_AND_ELECTRICITY',
        'HIGH',
        'out',
        false,
        'Consolidated Power & Light',
        null,
      ],
      card: ['FOOD_AND_DRINK_RESTAURANT', 'MEDIUM', 'out', false, 'Corner Bistro', null],
      reward: ['INCOME_OTHER_INCOME', 'VERY_HIGH', 'in', false, 'Monay Rewards', null],
    });
  });

  it('P2P: by note keywords, else a transfer to or from another account (by counterparty)', () => {
    const out = (note: string | null) => classify(line({ counterpartyUserId: BOB, note })).subCategory;
    expect(out(null)).toBe('TRANSFER_OUT_ACCOUNT_TRANSFER');
    expect(out('thanks!')).toBe('TRANSFER_OUT_ACCOUNT_TRANSFER');
    expect(out('Rent for March')).toBe('RENT_AND_UTILITIES_RENT');
    expect(out('gas bill')).toBe('RENT_AND_UTILITIES_GAS_AND_ELECTRICITY');
    expect(out('gas money')).toBe('TRANSPORTATION_GAS');
    expect(out('Uber home 🚕')).toBe('TRANSPORTATION_TAXIS_AND_RIDE_SHARES');
    const received = (note: string | null) =>
      classify(line({ type: 'transfer_in', counterpartyUserId: BOB, note })).subCategory;
    expect(received(null)).toBe('TRANSFER_IN_ACCOUNT_TRANSFER');
    expect(received('Salary October')).toBe('INCOME_WAGES');
    expect(received('rent share')).toBe('INCOME_OTHER_INCOME');
    expect(classify(line({ type: 'transfer_in', counterpartyUserId: BOB })).counterparty).toBe(BOB);
  });

  it('deposits: money in from the user’s own bank or card, or a deposit', () => {
    const of = (method: string | null) =>
      classify(line({ type: 'deposit', feeMode: 'withheld', hints: { kind: 'deposit', method } }));
    expect([of('card').subCategory, of('card').confidence]).toEqual(['TRANSFER_IN_ACCOUNT_TRANSFER', 'HIGH']);
    expect([of('crypto').subCategory, of('crypto').confidence]).toEqual(['TRANSFER_IN_DEPOSIT', 'HIGH']);
    expect([of(null).subCategory, of(null).confidence]).toEqual(['TRANSFER_IN_DEPOSIT', 'MEDIUM']);
  });

  it('external transfers: a merchant in the note, else its keywords, else a transfer out', () => {
    const external = (note: string | null) =>
      classify(line({ note, hints: { kind: 'external_transfer', address: null, recipients: 12 } }));
    expect(external('SPOTIFY USA').merchant).toBe('Spotify');
    expect(external('SPOTIFY USA').subCategory).toBe('ENTERTAINMENT_MUSIC_AND_AUDIO');
    expect([external('hotel in Rome').subCategory, external('hotel in Rome').merchant]).toEqual([
      'TRAVEL_LODGING',
      null,
    ]);
    expect([external(null).subCategory, external(null).counterparty]).toEqual([
      'TRANSFER_OUT_ACCOUNT_TRANSFER',
      null,
    ]);
  });

  it('swaps between own assets are excluded both ways; fees are bank fees', () => {
    const swapIn = classify(
      line({ type: 'swap_in', feeMode: 'inside', hints: { kind: 'swap', from: 'USDC', to: 'EURC' } }),
    );
    expect([swapIn.subCategory, swapIn.direction, swapIn.excluded]).toEqual([
      'TRANSFER_IN_ACCOUNT_TRANSFER',
      'in',
      true,
    ]);
    const fee = classifyFee();
    expect([fee.category, fee.subCategory, fee.direction, fee.excluded]).toEqual([
      'BANK_FEES',
      'BANK_FEES_OTHER_BANK_FEES',
      'out',
      false,
    ]);
  });

  it('card purchases (for cards, later): the directory, else the MCC, else other merchandise', () => {
    expect(classifyPurchase({ descriptor: 'SQ *BLUE BOTTLE COFFEE', mcc: '5814' })).toMatchObject({
      subCategory: 'FOOD_AND_DRINK_COFFEE',
      merchant: 'Blue Bottle Coffee',
      confidence: 'HIGH',
    });
    expect(classifyPurchase({ descriptor: 'CORNER DELI 0042 AUSTIN TX', mcc: '5812' })).toMatchObject({
      subCategory: 'FOOD_AND_DRINK_RESTAURANT',
      merchant: 'Corner Deli Austin',
      confidence: 'MEDIUM',
    });
    expect(classifyPurchase({ descriptor: 'XYZZY 123', mcc: null })).toMatchObject({
      subCategory: 'GENERAL_MERCHANDISE_OTHER_GENERAL_MERCHANDISE',
      confidence: 'LOW',
    });
    expect(classifyBill({ billerType: 'electricity', billerName: 'Con Edison' })).toMatchObject({
      subCategory: 'RENT_AND_UTILITIES_GAS_AND_ELECTRICITY',
      merchant: 'Con Edison',
    });
  });

  it('knows which way each type of line moves money', () => {
    expect(['deposit', 'transfer_in', 'swap_in'].map((t) => directionOf(t as HistoryLine['type']))).toEqual([
      'in',
      'in',
      'in',
    ]);
    expect(
      ['withdrawal', 'transfer_out', 'swap_out'].map((t) => directionOf(t as HistoryLine['type'])),
    ).toEqual(['out', 'out', 'out']);
  });
});

describe('note keywords', () => {
  it('prefers a longer phrase, then the first keyword of the note', () => {
    expect(categoryOfNote('car payment and coffee', 'out')).toBe('LOAN_PAYMENTS_CAR_PAYMENT');
    expect(categoryOfNote('coffee then lunch', 'out')).toBe('FOOD_AND_DRINK_COFFEE');
    expect(categoryOfNote('lunch then coffee', 'out')).toBe('FOOD_AND_DRINK_RESTAURANT');
  });

  it('matches whole words only, any case, accents and punctuation aside', () => {
    expect(categoryOfNote('RENT!!!', 'out')).toBe('RENT_AND_UTILITIES_RENT');
    expect(categoryOfNote('parent teacher meeting', 'out')).toBeNull();
    expect(categoryOfNote('Café', 'out')).toBe('FOOD_AND_DRINK_COFFEE');
    expect(categoryOfNote('', 'out')).toBeNull();
    expect(categoryOfNote(null, 'in')).toBeNull();
  });
});
