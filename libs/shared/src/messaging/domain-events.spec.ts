import { currentVersionOf, defineEvents, upcastPayload } from './domain-events';
import { toPublishedEvent } from './outbox';

/** An event whose payload changed twice: v1 had `amountMinor` (a number), v2 `amount`, v3 added `currency`. */
interface VersionedEvents {
  SpecPaymentMade: { amount: string; currency: string };
}
defineEvents<VersionedEvents>('versions-spec', {
  SpecPaymentMade: {
    version: 3,
    upcast: {
      1: ({ amountMinor, ...rest }) => ({ ...rest, amount: String(amountMinor) }),
      2: (payload) => ({ ...payload, currency: 'USDC' }),
    },
  },
});
declare module '#monay/shared' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface DomainEvents extends VersionedEvents {}
}

const row = (version: number, payload: Record<string, unknown>, type = 'SpecPaymentMade') => ({
  sequence: '7',
  event_id: 'e-7',
  type,
  version,
  aggregate_id: 'a',
  user_ids: [],
  payload,
  occurred_at: new Date(),
});

describe('event versions in the journal', () => {
  it('writes the current version', () => {
    expect(currentVersionOf('SpecPaymentMade')).toBe(3);
  });

  it('replays a row of every older version as the current payload', () => {
    expect(toPublishedEvent(row(1, { amountMinor: 5 })).payload).toEqual({ amount: '5', currency: 'USDC' });
    expect(toPublishedEvent(row(2, { amount: '6' })).payload).toEqual({ amount: '6', currency: 'USDC' });
    expect(toPublishedEvent(row(3, { amount: '7', currency: 'EURC' })).payload).toEqual({
      amount: '7',
      currency: 'EURC',
    });
  });

  it('refuses what it cannot read rather than dropping history', () => {
    expect(() => toPublishedEvent(row(1, {}, 'NeverDeclared'))).toThrow(/not in the catalogue/);
    expect(() => upcastPayload('SpecPaymentMade', 4, {})).toThrow(/newer than this build/);
    expect(() => currentVersionOf('NeverDeclared')).toThrow(/not in the catalogue/);
  });

  it('refuses one event name declared by two contexts', () => {
    expect(() => defineEvents<VersionedEvents>('another', { SpecPaymentMade: { version: 1 } })).toThrow(
      /declared by both/,
    );
  });
});
