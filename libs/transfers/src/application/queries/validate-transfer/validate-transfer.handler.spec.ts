import type { ExternalPayments } from '#monay/providers';
import { Money } from '#monay/kernel';
import type { AppConfig } from '#monay/shared';
import type { WalletAccess, WalletReports } from '#monay/wallet';
import { RecipientNotFoundError } from '../../../domain/transfer.errors';
import type { RecipientResolver, Resolution } from '../../recipient-resolver';
import { ValidateTransferHandler } from './validate-transfer.handler';
import { ValidateTransferQuery } from './validate-transfer.query';

/**
 * A dry run for an unknown recipient does exactly the work one for a known recipient does (no early answer that
 * a clock could tell apart): the same lookups, in the same order, and an answer of the same shape.
 */
describe('ValidateTransferHandler: constant work for known and unknown recipients', () => {
  function harness(resolution: Resolution) {
    const calls: string[] = [];
    const recipients = {
      resolveMany: async (_sender: string, tos: string[]) => {
        calls.push(`resolve ${tos.length}`);
        return [resolution];
      },
    } as unknown as RecipientResolver;
    const reports = {
      balance: async () => {
        calls.push('balance');
        return { balances: [{ currency: 'USDC', available: '50.00' }] };
      },
      limits: async () => {
        calls.push('limits');
        return {
          perTransaction: '1000.00',
          daily: { remaining: '1000.00' },
          monthly: { remaining: '30000.00' },
          velocity: { usedThisHour: 0, maxPerHour: 10 },
        };
      },
    } as unknown as WalletReports;
    const wallets = { usdValue: (money: Money) => Money.of(money.minor / 10_000n, 'USD') } as WalletAccess;
    const config = { fees: { p2p: '0', batch: '0' } } as AppConfig;
    const payments = {} as ExternalPayments; // not asked: the recipients here are Monay users
    return { calls, handler: new ValidateTransferHandler(recipients, wallets, reports, payments, config) };
  }

  const query = (to: string) => new ValidateTransferQuery('sender', to, Money.parse('10.00', 'USDC'));

  it('makes the same calls and answers the same shape whether or not a user matches', async () => {
    const known = harness({ ok: true, userId: 'u-1', displayName: 'x', ref: 'dana@example.com' });
    const unknown = harness({ ok: false, error: new RecipientNotFoundError('dana@example.com') });
    const knownAnswer = await known.handler.execute(query('dana@example.com'));
    const unknownAnswer = await unknown.handler.execute(query('dana@example.com'));

    expect(unknown.calls).toEqual(known.calls);
    expect(known.calls).toEqual(['resolve 1', 'balance', 'limits']);
    expect(Object.keys(unknownAnswer).sort()).toEqual(Object.keys(knownAnswer).sort());
    expect(unknownAnswer.recipient).toEqual(knownAnswer.recipient);
    expect(knownAnswer).toMatchObject({ valid: true, checks: { recipientFound: true } });
    expect(unknownAnswer).toMatchObject({ valid: false, checks: { recipientFound: false } });
  });
});
