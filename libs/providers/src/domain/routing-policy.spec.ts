import { Money, ReferencePrices, type CurrencyCode } from '#monay/kernel';
import type { ProviderName } from '#monay/shared';
import { FakeProvider } from '../routing/testing/fake-provider';
import { planRoute, type PlanSkip, type RoutingContext, type RoutingRequest } from './routing-policy';

const PRICES = new ReferencePrices({ EURC: '1.08' });
const THRESHOLD = Money.parse('10000.00', 'USD');
const PROVIDERS = [FakeProvider.of('tempo'), FakeProvider.of('circle'), FakeProvider.of('monay')];

interface Case {
  request?: Partial<Omit<RoutingRequest, 'amount'>> & { amount?: string };
  priority?: ProviderName[];
  open?: ProviderName[];
  providers?: FakeProvider[];
  candidates: ProviderName[];
  skipped?: Array<Pick<PlanSkip, 'provider' | 'reason'>>;
}

function plan(c: Case) {
  const currency: CurrencyCode = c.request?.currency ?? 'USDC';
  const amount = Money.parse(c.request?.amount ?? '100.00', currency);
  const request: RoutingRequest = {
    operation: 'withdraw',
    urgency: 'standard',
    ...c.request,
    currency,
    amount,
  };
  const context: RoutingContext = {
    priority: c.priority ?? ['tempo', 'circle', 'monay'],
    providers: c.providers ?? PROVIDERS,
    openBreakers: new Set(c.open ?? []),
    amountUsd: PRICES.usdValue(amount),
    largeAmountUsd: THRESHOLD,
  };
  return planRoute(request, context);
}

// Fees of the sandbox models for the amounts below (6-decimal minor units):
//   withdraw 20,000: tempo 20.00 (0.10%), circle 1.00, monay 0.50   → by fee: monay, circle, tempo
//   deposit  20,000: tempo 20.00, circle 0, monay 0.50              → by fee: circle, monay, tempo
//   transferOut any: tempo 0.0001, circle 0.02, monay 0.50
// Settlement: tempo 60 ms, monay 1.5 s, circle 2.5 s.
const table: Array<[string, Case]> = [
  ['a small standard request follows the configured priority', { candidates: ['tempo', 'circle', 'monay'] }],
  [
    'a currency a provider lacks leaves it out as unsupported_currency',
    {
      request: { currency: 'USDT' },
      candidates: ['tempo', 'monay'],
      skipped: [{ provider: 'circle', reason: 'unsupported_currency' }],
    },
  ],
  [
    'PYUSD only Tempo carries',
    {
      request: { currency: 'PYUSD' },
      candidates: ['tempo'],
      skipped: [
        { provider: 'circle', reason: 'unsupported_currency' },
        { provider: 'monay', reason: 'unsupported_currency' },
      ],
    },
  ],
  [
    'an operation a provider lacks leaves it out as unsupported_operation',
    {
      request: { operation: 'swap', toCurrency: 'USDT' },
      candidates: ['tempo', 'monay'],
      skipped: [{ provider: 'circle', reason: 'unsupported_operation' }],
    },
  ],
  [
    'a swap needs both currencies: Monay has USDC but not PYUSD',
    {
      request: { operation: 'swap', toCurrency: 'PYUSD' },
      candidates: ['tempo'],
      skipped: [
        { provider: 'circle', reason: 'unsupported_operation' },
        { provider: 'monay', reason: 'unsupported_currency' },
      ],
    },
  ],
  [
    'instant sorts by estimated settlement: Monay (1.5 s) before Circle (2.5 s)',
    { request: { urgency: 'instant' }, candidates: ['tempo', 'monay', 'circle'] },
  ],
  [
    'instant puts the fastest first whatever the priority',
    {
      request: { urgency: 'instant' },
      priority: ['circle', 'monay', 'tempo'],
      candidates: ['tempo', 'monay', 'circle'],
    },
  ],
  [
    'a large withdrawal sorts by fee for that amount',
    { request: { amount: '20000.00' }, candidates: ['monay', 'circle', 'tempo'] },
  ],
  [
    'a large deposit goes to Circle, which charges nothing',
    { request: { operation: 'deposit', amount: '20000.00' }, candidates: ['circle', 'monay', 'tempo'] },
  ],
  [
    'exactly the threshold counts as large',
    { request: { amount: '10000.00' }, candidates: ['monay', 'circle', 'tempo'] },
  ],
  [
    'one cent below the threshold keeps the priority',
    { request: { amount: '9999.99' }, candidates: ['tempo', 'circle', 'monay'] },
  ],
  [
    'the threshold is in USD: 9,300 EURC at 1.08 is 10,044 USD, so large',
    {
      request: { currency: 'EURC', amount: '9300.00' },
      candidates: ['circle', 'tempo'],
      skipped: [{ provider: 'monay', reason: 'unsupported_currency' }],
    },
  ],
  [
    '9,000 EURC is 9,720 USD: not large, priority order',
    {
      request: { currency: 'EURC', amount: '9000.00' },
      candidates: ['tempo', 'circle'],
      skipped: [{ provider: 'monay', reason: 'unsupported_currency' }],
    },
  ],
  [
    'equal fees keep the priority order',
    {
      request: { amount: '20000.00' },
      priority: ['monay', 'circle', 'tempo'],
      providers: [
        FakeProvider.of('tempo', { fee: () => 7n }),
        FakeProvider.of('circle', { fee: () => 7n }),
        FakeProvider.of('monay', { fee: () => 9n }),
      ],
      candidates: ['circle', 'tempo', 'monay'],
    },
  ],
  [
    'instant and large: speed first, then fee between equally fast providers',
    {
      request: { urgency: 'instant', amount: '20000.00' },
      providers: [
        FakeProvider.of('tempo', { settlementMs: 1500 }),
        FakeProvider.of('circle'),
        FakeProvider.of('monay'),
      ],
      candidates: ['monay', 'tempo', 'circle'],
    },
  ],
  [
    'the preferred provider goes first when it can serve',
    { request: { preferred: 'monay' }, candidates: ['monay', 'tempo', 'circle'] },
  ],
  [
    'the preferred provider goes first even ahead of faster ones',
    { request: { preferred: 'circle', urgency: 'instant' }, candidates: ['circle', 'tempo', 'monay'] },
  ],
  [
    'a preferred provider that lacks the currency is ignored',
    {
      request: { preferred: 'circle', currency: 'USDT' },
      candidates: ['tempo', 'monay'],
      skipped: [{ provider: 'circle', reason: 'unsupported_currency' }],
    },
  ],
  [
    'a preferred provider whose breaker is open is ignored',
    {
      request: { preferred: 'circle' },
      open: ['circle'],
      candidates: ['tempo', 'monay'],
      skipped: [{ provider: 'circle', reason: 'breaker_open' }],
    },
  ],
  [
    'smart routing off keeps the priority for instant and large requests',
    {
      request: { smartRouting: false, urgency: 'instant', amount: '20000.00' },
      candidates: ['tempo', 'circle', 'monay'],
    },
  ],
  [
    'smart routing off still honours the preferred provider',
    {
      request: { smartRouting: false, preferred: 'monay', amount: '20000.00' },
      candidates: ['monay', 'tempo', 'circle'],
    },
  ],
  [
    'an open breaker leaves the provider out',
    {
      open: ['tempo'],
      candidates: ['circle', 'monay'],
      skipped: [{ provider: 'tempo', reason: 'breaker_open' }],
    },
  ],
  [
    'support is checked before the breaker',
    {
      request: { currency: 'USDT' },
      open: ['circle', 'monay'],
      candidates: ['tempo'],
      skipped: [
        { provider: 'circle', reason: 'unsupported_currency' },
        { provider: 'monay', reason: 'breaker_open' },
      ],
    },
  ],
  [
    'an adapter the priority does not name is left out as not_in_priority',
    {
      priority: ['circle', 'monay'],
      candidates: ['circle', 'monay'],
      skipped: [{ provider: 'tempo', reason: 'not_in_priority' }],
    },
  ],
  [
    'the preferred provider must be in the priority',
    {
      request: { preferred: 'tempo' },
      priority: ['circle', 'monay'],
      candidates: ['circle', 'monay'],
      skipped: [{ provider: 'tempo', reason: 'not_in_priority' }],
    },
  ],
  [
    'a priority entry without an adapter is left out as no_adapter',
    {
      providers: [FakeProvider.of('tempo'), FakeProvider.of('circle')],
      candidates: ['tempo', 'circle'],
      skipped: [{ provider: 'monay', reason: 'no_adapter' }],
    },
  ],
  [
    'nobody can serve: no candidates, every provider accounted for',
    {
      request: { currency: 'PYUSD' },
      open: ['tempo'],
      candidates: [],
      skipped: [
        { provider: 'tempo', reason: 'breaker_open' },
        { provider: 'circle', reason: 'unsupported_currency' },
        { provider: 'monay', reason: 'unsupported_currency' },
      ],
    },
  ],
];

describe('routing policy', () => {
  it.each(table)('%s', (_behaviour, c) => {
    const result = plan(c);
    expect(result.candidates).toEqual(c.candidates);
    expect(result.skipped.map(({ provider, reason }) => ({ provider, reason }))).toEqual(c.skipped ?? []);
  });

  it('explains each exclusion in its detail', () => {
    const result = plan({
      request: { operation: 'swap', toCurrency: 'PYUSD' },
      open: ['tempo'],
      candidates: [],
    });
    expect(result.skipped).toEqual([
      { provider: 'tempo', reason: 'breaker_open', detail: expect.stringContaining('breaker') },
      { provider: 'circle', reason: 'unsupported_operation', detail: 'circle does not support swap' },
      { provider: 'monay', reason: 'unsupported_currency', detail: 'monay does not support PYUSD for swap' },
    ]);
  });

  it('estimates only when a smart rule needs the estimates', () => {
    const estimate = jest.fn(() => ({ fee: 0n, settlementMs: 0 }));
    const quiet = [FakeProvider.of('tempo'), FakeProvider.of('circle')].map((provider) =>
      Object.assign(provider, { estimate }),
    );
    plan({ providers: quiet, candidates: [] });
    expect(estimate).not.toHaveBeenCalled();
    plan({ providers: quiet, request: { urgency: 'instant' }, candidates: [] });
    expect(estimate).toHaveBeenCalledTimes(2);
  });
});
