import { Money } from '#monay/kernel';
import { decideStepUp, stepUpMethods, type StepUpFacts } from './step-up.policy';

const usd = (amount: string) => Money.parse(amount, 'USD');
const thresholds = { amountUsd: usd('1000.00'), newRecipientMinUsd: usd('0') };
const facts = (overrides: Partial<StepUpFacts> = {}): StepUpFacts => ({
  operation: 'p2p_transfer',
  has2fa: false,
  amountUsd: usd('25.00'),
  newRecipient: false,
  newDestination: false,
  trustedContact: false,
  ...overrides,
});
const reasons = (f: StepUpFacts, t = thresholds) => {
  const decision = decideStepUp(f, t);
  return decision.required ? decision.reasons : [];
};

describe('step-up policy', () => {
  describe('users without 2FA: only amounts above STEP_UP_AMOUNT_USD', () => {
    it.each([
      ['a small payment to a new recipient', facts({ newRecipient: true })],
      ['exactly the threshold', facts({ amountUsd: usd('1000.00'), newRecipient: true })],
      [
        'a withdrawal to a new destination under the threshold',
        facts({ operation: 'withdrawal', newDestination: true, amountUsd: usd('999.99') }),
      ],
      [
        'an external transfer to a new address',
        facts({ operation: 'external_transfer', newDestination: true }),
      ],
      ['raising limits', facts({ operation: 'raise_limits', amountUsd: null })],
      [
        'a batch to new recipients',
        facts({ operation: 'batch_transfer', newRecipient: true, amountUsd: usd('900.00') }),
      ],
    ])('never for %s', (_case, f) => {
      expect(decideStepUp(f, thresholds)).toEqual({ required: false });
    });

    it.each([
      ['a payment', facts({ amountUsd: usd('1000.01') })],
      [
        'a withdrawal to a new destination',
        facts({ operation: 'withdrawal', newDestination: true, amountUsd: usd('5000.00') }),
      ],
      ['a batch', facts({ operation: 'batch_transfer', amountUsd: usd('1200.00') })],
    ])('for %s above the threshold', (_case, f) => {
      expect(reasons(f)).toEqual(['amount_above_threshold']);
    });
  });

  describe('users with 2FA', () => {
    it('steps up for the first payment to a new recipient, not for a known one', () => {
      expect(reasons(facts({ has2fa: true, newRecipient: true }))).toEqual(['new_recipient']);
      expect(decideStepUp(facts({ has2fa: true }), thresholds)).toEqual({ required: false });
    });

    it('exempts trusted contacts and payments to new recipients up to STEP_UP_NEW_RECIPIENT_MIN_USD', () => {
      expect(reasons(facts({ has2fa: true, newRecipient: true, trustedContact: true }))).toEqual([]);
      const t = { ...thresholds, newRecipientMinUsd: usd('50.00') };
      expect(reasons(facts({ has2fa: true, newRecipient: true, amountUsd: usd('50.00') }), t)).toEqual([]);
      expect(reasons(facts({ has2fa: true, newRecipient: true, amountUsd: usd('50.01') }), t)).toEqual([
        'new_recipient',
      ]);
    });

    it('steps up for any payout to a new destination, whatever the amount', () => {
      for (const operation of ['withdrawal', 'external_transfer'] as const) {
        expect(
          reasons(facts({ has2fa: true, operation, newDestination: true, amountUsd: usd('0.01') })),
        ).toEqual(['new_destination']);
      }
    });

    it('steps up above the amount threshold, for raising limits, disabling 2FA and revealing card details', () => {
      expect(reasons(facts({ has2fa: true, amountUsd: usd('1000.01') }))).toEqual(['amount_above_threshold']);
      expect(reasons(facts({ has2fa: true, operation: 'raise_limits', amountUsd: null }))).toEqual([
        'raise_limits',
      ]);
      expect(reasons(facts({ has2fa: true, operation: 'disable_2fa', amountUsd: null }))).toEqual([
        'disable_2fa',
      ]);
      expect(reasons(facts({ has2fa: true, operation: 'reveal_card_details', amountUsd: null }))).toEqual([
        'reveal_card_details',
      ]);
    });

    it('steps up for revealing card details without 2FA too (a code to a verified email or phone)', () => {
      expect(reasons(facts({ has2fa: false, operation: 'reveal_card_details', amountUsd: null }))).toEqual([
        'reveal_card_details',
      ]);
    });

    it('lists every reason that applies', () => {
      expect(reasons(facts({ has2fa: true, newRecipient: true, amountUsd: usd('2000.00') }))).toEqual([
        'amount_above_threshold',
        'new_recipient',
      ]);
    });
  });

  it('is monotonic: a fact turning true never lifts a requirement', () => {
    const flags = ['has2fa', 'newRecipient', 'newDestination'] as const;
    const operations = [
      'p2p_transfer',
      'batch_transfer',
      'external_transfer',
      'withdrawal',
      'raise_limits',
    ] as const;
    for (const operation of operations) {
      for (let mask = 0; mask < 8; mask += 1) {
        const base = facts({ operation });
        flags.forEach((flag, bit) => (base[flag] = Boolean(mask & (1 << bit))));
        if (!decideStepUp(base, thresholds).required) continue;
        for (const flag of flags) {
          expect(decideStepUp({ ...base, [flag]: true }, thresholds).required).toBe(true);
        }
      }
    }
  });

  it('offers the authenticator to 2FA users and a code to each verified channel to the others', () => {
    expect(stepUpMethods({ has2fa: true, emailVerified: true, phoneVerified: true })).toEqual([
      'totp',
      'recovery_code',
    ]);
    expect(stepUpMethods({ has2fa: false, emailVerified: true, phoneVerified: true })).toEqual([
      'email_code',
      'sms_code',
    ]);
    expect(stepUpMethods({ has2fa: false, emailVerified: false, phoneVerified: true })).toEqual(['sms_code']);
    expect(stepUpMethods({ has2fa: false, emailVerified: false, phoneVerified: false })).toEqual([]);
  });
});
