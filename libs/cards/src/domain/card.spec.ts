import { cardDecline, luhnCheckDigit, luhnValid, type Card } from './card';

const card = (patch: Partial<Card> = {}): Card => ({
  id: 'c',
  userId: 'u',
  issuer: 'sandbox',
  issuerCardId: 'card_1',
  nickname: 'n',
  state: 'OPEN',
  stateReason: null,
  last4: '1234',
  expMonth: 1,
  expYear: 2030,
  fundingCurrency: 'USDC',
  limits: {
    perAuthorization: 5_000n,
    daily: 10_000n,
    monthly: null,
    allTime: null,
    blockedCategories: ['7995'],
  },
  replacementFor: null,
  createdAt: new Date(),
  updatedAt: new Date(),
  closedAt: null,
  ...patch,
});
const ask = { amount: 1_000n, currency: 'USD', mcc: '5812', incremental: false };
const none = { daily: 0n, monthly: 0n, allTime: 0n };

describe('card decisions', () => {
  it('declines by state, currency, category and each limit, in that order', () => {
    expect(cardDecline(card(), ask, none)).toBeNull();
    expect(cardDecline(card({ state: 'PAUSED' }), ask, none)).toBe('CARD_PAUSED');
    expect(cardDecline(card({ state: 'CLOSED' }), ask, none)).toBe('CARD_CLOSED');
    expect(cardDecline(card(), { ...ask, currency: 'EUR' }, none)).toBe('CURRENCY_NOT_SUPPORTED');
    expect(cardDecline(card(), { ...ask, mcc: '7995' }, none)).toBe('MCC_BLOCKED');
    expect(cardDecline(card(), { ...ask, amount: 5_001n }, none)).toBe('CARD_LIMIT');
    expect(cardDecline(card(), { ...ask, amount: 5_000n }, { ...none, daily: 5_000n })).toBeNull();
    expect(cardDecline(card(), { ...ask, amount: 5_000n }, { ...none, daily: 5_001n })).toBe('CARD_LIMIT');
  });

  it('Luhn: known test PANs pass, a changed digit fails, the check digit completes a body', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    const body = '400000123456789';
    expect(luhnValid(`${body}${luhnCheckDigit(body)}`)).toBe(true);
  });
});
