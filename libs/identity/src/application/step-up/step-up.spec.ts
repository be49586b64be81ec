import { Money } from '#monay/kernel';
import type { AppConfig, UnitOfWork } from '#monay/shared';
import { StepUpRequiredError } from '../../domain/identity.errors';
import type { UserRepository } from '../../infrastructure/user.repository';
import type { SecurityLog } from '../security/security-log';
import type { SecondFactor } from '../two-factor/second-factor';
import type { OneTimeCodes } from '../verification/one-time-codes';
import { StepUp, type StepUpContext } from './step-up';
import type { StepUpTokens, StepUpTokenState } from './step-up-tokens';

const usd = (amount: string) => Money.parse(amount, 'USD');

function stepUp(tokenState: StepUpTokenState = 'missing') {
  const audited: string[] = [];
  const service = new StepUp(
    { check: () => tokenState } as unknown as StepUpTokens,
    {
      findById: async () => ({ emailVerifiedAt: new Date(), phoneVerifiedAt: null, phone: null }),
    } as unknown as UserRepository,
    {} as SecondFactor,
    {} as OneTimeCodes,
    {
      recordAlone: async (entry: { action: string }) => void audited.push(entry.action),
    } as unknown as SecurityLog,
    {} as UnitOfWork,
    { security: { stepUpAmountUsd: '1000.00', stepUpNewRecipientMinUsd: '0' } } as AppConfig,
  );
  return { service, audited };
}

const context = (twoFactor: boolean, token: string | null = null): StepUpContext => ({
  sessionId: 's',
  twoFactor,
  token,
  client: {},
});

describe('StepUp.assert', () => {
  it('lets an everyday payment of a user without 2FA through without gathering any costly fact', async () => {
    const { service, audited } = stepUp();
    const newRecipient = jest.fn(async () => true);
    const alreadyAnswered = jest.fn(async () => false);
    await service.assert({
      userId: 'u',
      context: context(false),
      operation: 'p2p_transfer',
      amountUsd: usd('999.99'),
      newRecipient,
      alreadyAnswered,
    });
    expect(newRecipient).not.toHaveBeenCalled();
    expect(alreadyAnswered).not.toHaveBeenCalled();
    expect(audited).toEqual([]);
  });

  it('asks whether the recipient is new only for a user with 2FA, and refuses with the methods when it is', async () => {
    const { service, audited } = stepUp();
    const newRecipient = jest.fn(async () => true);
    const refusal = service.assert({
      userId: 'u',
      context: context(true),
      operation: 'p2p_transfer',
      amountUsd: usd('5.00'),
      newRecipient,
    });
    await expect(refusal).rejects.toBeInstanceOf(StepUpRequiredError);
    await expect(refusal).rejects.toMatchObject({
      code: 'STEP_UP_REQUIRED',
      details: { methods: ['totp', 'recovery_code'], reasons: ['new_recipient'] },
    });
    expect(newRecipient).toHaveBeenCalledTimes(1);
    expect(audited).toEqual(['step_up_required']);
  });

  it('does not gather facts that cannot change a refusal already certain', async () => {
    const { service } = stepUp();
    const newRecipient = jest.fn(async () => true);
    await expect(
      service.assert({
        userId: 'u',
        context: context(true),
        operation: 'p2p_transfer',
        amountUsd: usd('5000.00'),
        newRecipient,
      }),
    ).rejects.toMatchObject({ details: { reasons: ['amount_above_threshold'] } });
    expect(newRecipient).not.toHaveBeenCalled();
  });

  it('passes with a valid token of the session, or for a request already answered', async () => {
    const valid = stepUp('valid');
    await valid.service.assert({
      userId: 'u',
      context: context(false, 't'),
      operation: 'withdrawal',
      amountUsd: usd('5000.00'),
    });
    const replay = stepUp('expired');
    await replay.service.assert({
      userId: 'u',
      context: context(false, 't'),
      operation: 'withdrawal',
      amountUsd: usd('5000.00'),
      alreadyAnswered: async () => true,
    });
    expect([...valid.audited, ...replay.audited]).toEqual([]);
  });

  it('says why a token did not count, and offers a verified email to a user without 2FA', async () => {
    const { service } = stepUp('expired');
    await expect(
      service.assert({
        userId: 'u',
        context: context(false, 't'),
        operation: 'withdrawal',
        amountUsd: usd('1000.01'),
      }),
    ).rejects.toMatchObject({
      details: { methods: ['email_code'], reasons: ['amount_above_threshold'], stepUpToken: 'expired' },
    });
  });
});
