import { DEFAULT_EARN_RULES, evaluateRules } from './earn-rules';

describe('earn rules: data evaluated on facts', () => {
  it('pays the first deposit bonus once per member, from 10 USD', () => {
    const deposit = (usdCents: bigint, first: boolean) =>
      evaluateRules(DEFAULT_EARN_RULES, { kind: 'deposit', userId: 'u1', ref: 'd1', usdCents, first });
    expect(deposit(1_000n, true)).toEqual([
      expect.objectContaining({
        ruleId: 'first-deposit-bonus',
        sourceKey: 'user:u1',
        points: 500n,
        lockHours: 72,
      }),
    ]);
    expect(deposit(999n, true)).toEqual([]);
    expect(deposit(5_000n, false)).toEqual([]);
  });

  it('pays per whole dollar sent, capped, and never for money going round or to oneself', () => {
    const sent = (usdCents: bigint, circular = false, counterpartyId = 'u2') =>
      evaluateRules(DEFAULT_EARN_RULES, {
        kind: 'p2p_sent',
        userId: 'u1',
        ref: 't1',
        usdCents,
        counterpartyId,
        circular,
      });
    expect(sent(4_299n).map((grant) => grant.points)).toEqual([42n]);
    expect(sent(1_000_000n).map((grant) => grant.points)).toEqual([100n]);
    expect(sent(99n)).toEqual([]);
    expect(sent(5_000n, true)).toEqual([]);
    expect(sent(5_000n, false, 'u1')).toEqual([]);
  });

  it('pays card spend by merchant category', () => {
    const spend = (mcc: string | null) =>
      evaluateRules(DEFAULT_EARN_RULES, {
        kind: 'card_spend',
        userId: 'u1',
        ref: 'a1',
        key: 'a1:1',
        usdCents: 2_550n,
        mcc,
      })[0]?.points;
    expect(spend('5411')).toBe(75n);
    expect(spend('5999')).toBe(50n);
    expect(spend(null)).toBe(50n);
  });
});
