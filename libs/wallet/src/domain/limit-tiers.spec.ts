import { LimitTiers } from './limit-tiers';

describe('limit tiers', () => {
  const usd = (tiers: LimitTiers, level: number) => {
    const tier = tiers.of(level);
    return {
      perTransaction: tier.perTransaction.toDecimalString(),
      daily: tier.daily.toDecimalString(),
      monthly: tier.monthly.toDecimalString(),
      deposit: {
        perTransaction: tier.deposit.perTransaction.toDecimalString(),
        daily: tier.deposit.daily.toDecimalString(),
        monthly: tier.deposit.monthly.toDecimalString(),
      },
    };
  };

  it('counts deposits against the same amounts as money out by default', () => {
    expect(usd(new LimitTiers(), 1)).toEqual({
      perTransaction: '1000.00',
      daily: '1000.00',
      monthly: '30000.00',
      deposit: { perTransaction: '1000.00', daily: '1000.00', monthly: '30000.00' },
    });
    expect(usd(new LimitTiers(), 3).deposit).toEqual({
      perTransaction: '50000.00',
      daily: '50000.00',
      monthly: '500000.00',
    });
  });

  it('follows a level override for both, and a deposit override for deposits alone', () => {
    const tiers = new LimitTiers({
      '1': { daily: '100.00', deposit: { daily: '5000.00', perTransaction: '2000.00' } },
      '2': { monthly: '7.00' },
    });
    expect(usd(tiers, 1)).toEqual({
      perTransaction: '1000.00',
      daily: '100.00',
      monthly: '30000.00',
      deposit: { perTransaction: '2000.00', daily: '5000.00', monthly: '30000.00' },
    });
    expect(usd(tiers, 2).deposit).toMatchObject({ monthly: '7.00', daily: '10000.00' });
  });

  it('names the lowest tier that unlocks a feature, Basic keeping what every user could do', () => {
    const tiers = new LimitTiers({ '2': { features: ['p2p', 'deposits', 'withdrawals'] } });
    expect(tiers.requiredFor('withdrawals')).toBe(1);
    expect(tiers.requiredFor('virtual_cards')).toBe(3);
    expect(new LimitTiers().requiredFor('virtual_cards')).toBe(2);
    expect(new LimitTiers({ '3': { features: [] } }).requiredFor('wires')).toBeNull();
    expect(tiers.next(1)?.name).toBe('verified');
    expect(tiers.next(3)).toBeNull();
  });
});
