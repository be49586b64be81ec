import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { LedgerService } from '#monay/ledger';
import { Money } from '#monay/kernel';
import { IdempotentExecutor, OutboxRelay, OutboxWriter } from '#monay/shared';
import { WalletCredited, WalletCreditedPayload } from '../../../domain/events/wallet-credited.event';
import { WalletAccess } from '../../wallet-access';
import { DepositFundsCommand } from './deposit-funds.command';

/** The in-house sandbox rail until the providers context routes deposits: it settles at once, for free. */
const IN_HOUSE_RAIL = 'monay';

/** Money in: provider clearing → the user's wallet, one ledger transaction, idempotent per key. */
@CommandHandler(DepositFundsCommand)
export class DepositFundsHandler implements ICommandHandler<DepositFundsCommand> {
  constructor(
    private readonly access: WalletAccess,
    private readonly ledger: LedgerService,
    private readonly executor: IdempotentExecutor,
    private readonly outbox: OutboxWriter,
    private readonly relay: OutboxRelay,
  ) {}

  async execute(command: DepositFundsCommand) {
    const started = process.hrtime.bigint();
    await this.access.ensureWallet(command.userId);
    const { amount } = command;
    const result = await this.executor.execute(
      {
        userId: command.userId,
        key: command.idempotencyKey,
        scope: 'consumer.deposit',
        body: command.request,
      },
      async (tx) => {
        const [account] =
          (await this.ledger.openUserAccounts(tx, command.userId, [amount.currency.code])) ?? [];
        const clearing = await this.ledger.systemAccount(
          tx,
          'provider_clearing',
          amount.currency.code,
          IN_HOUSE_RAIL,
        );
        const { transactionId } = await this.ledger.post(tx, {
          kind: 'deposit',
          metadata: { provider: IN_HOUSE_RAIL, method: command.method, urgency: command.urgency },
          entries: [
            { accountId: clearing.id, currency: amount.currency.code, amount: -amount.minor },
            { accountId: account.id, currency: amount.currency.code, amount: amount.minor },
          ],
        });
        const fee = Money.zero(amount.currency.code);
        const payload: WalletCreditedPayload = {
          userId: command.userId,
          currency: amount.currency.code,
          amount: amount.toDecimalString(),
          fee: fee.toDecimalString(),
          provider: IN_HOUSE_RAIL,
          ledgerTransactionId: transactionId,
        };
        await this.outbox.append(tx, [
          { type: WalletCredited, aggregateId: transactionId, userIds: [command.userId], payload },
        ]);
        return {
          status: 201,
          body: {
            success: true,
            transactionId,
            amount: amount.toDecimalString(),
            currency: amount.currency.code,
            fee: fee.toDecimalString(),
            provider: IN_HOUSE_RAIL,
            method: command.method,
            status: 'completed',
            settlementTimeMs: Number((process.hrtime.bigint() - started) / 1_000_000n),
          },
        };
      },
    );
    this.relay.nudge();
    return result;
  }
}
