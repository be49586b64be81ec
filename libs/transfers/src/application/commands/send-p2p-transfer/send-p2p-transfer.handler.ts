import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { StepUp } from '#monay/identity';
import { ExternalPayments, InvalidExternalAddressError } from '#monay/providers';
import { AppConfig, IdempotentExecutor, OutboxRelay } from '#monay/shared';
import { WalletAccess, type Wallet } from '#monay/wallet';
import { FeeSchedule } from '../../../domain/fee-schedule';
import { classifyRecipient } from '../../../domain/recipient-ref';
import { ContactRepository } from '../../../infrastructure/contact.repository';
import { TransferRepository } from '../../../infrastructure/transfer.repository';
import { RecipientNotFoundError } from '../../../domain/transfer.errors';
import { inviteAddressOf, P2pInvites } from '../../invites/p2p-invites';
import { P2pBooking } from '../../p2p/p2p-booking';
import { RecipientResolver } from '../../recipient-resolver';
import { SendP2pTransferCommand } from './send-p2p-transfer.command';

/**
 * One wallet pays another. A `0x` address is not a wallet here: that transfer goes out on chain through the
 * providers (ExternalPayments.send: hold, route, post or void), with the same key and route scope.
 *
 * First as ONE autocommit statement (P2pBooking.bookAtOnce): the key with its answer, the limits, the ledger's
 * guarded balances, the transfer with its whole history and its event, all or nothing. When anything in it refused,
 * it wrote nothing, and the send runs in one database transaction (P2pBooking.book): the key is claimed (or replayed),
 * then (in a savepoint) limits are consumed and the ledger moves the money, and the transfer is recorded completed
 * in one statement; a refusal (insufficient funds, a limit) undoes only the savepoint and records the transfer as
 * failed with its reason. The answer is stored with the key, by that same statement.
 */
@CommandHandler(SendP2pTransferCommand)
export class SendP2pTransferHandler implements ICommandHandler<SendP2pTransferCommand> {
  private readonly fees: FeeSchedule;

  constructor(
    private readonly recipients: RecipientResolver,
    private readonly wallets: WalletAccess,
    private readonly p2p: P2pBooking,
    private readonly transfers: TransferRepository,
    private readonly contacts: ContactRepository,
    private readonly executor: IdempotentExecutor,
    private readonly relay: OutboxRelay,
    private readonly payments: ExternalPayments,
    private readonly stepUp: StepUp,
    private readonly invites: P2pInvites,
    config: AppConfig,
  ) {
    this.fees = new FeeSchedule(config.fees);
  }

  async execute(command: SendP2pTransferCommand) {
    const ref = classifyRecipient(command.to);
    if (ref.kind === 'invalid_address') throw new InvalidExternalAddressError('to');
    if (ref.kind === 'external') {
      return this.payments.send({
        userId: command.senderId,
        idempotencyKey: command.idempotencyKey,
        scope: command.scope,
        to: ref.value,
        amount: command.amount,
        note: command.note,
        request: command.request,
        stepUp: command.stepUp,
      });
    }
    // The recipient, whether they blocked the sender, and both wallets: one round trip.
    const {
      resolutions: [recipient],
      wallets,
    } = await this.recipients.resolveWithWallets(command.senderId, [command.to]);
    const idempotent = {
      userId: command.senderId,
      key: command.idempotencyKey,
      scope: command.scope,
      body: command.request,
    };
    if (!recipient.ok) {
      const invitable = ref.kind === 'email' || ref.kind === 'phone';
      if (!(command.inviteIfUnknown && invitable && recipient.error instanceof RecipientNotFoundError)) {
        throw recipient.error;
      }
      return this.inviteUnknown(command, ref.kind as 'email' | 'phone', idempotent, wallets);
    }
    // Before the key is claimed: a refusal (403 STEP_UP_REQUIRED) is not stored, so the same key goes through
    // once the client steps up. A recurring occurrence (no step-up context) was authorised with its schedule.
    if (command.stepUp) {
      await this.stepUp.assert({
        userId: command.senderId,
        context: command.stepUp,
        operation: 'p2p_transfer',
        amountUsd: this.wallets.usdValue(command.amount),
        // A trusted contact is never "new" (issue 17: trusted contacts skip the new-recipient step-up).
        newRecipient: async () =>
          !(await this.transfers.paidBefore(command.senderId, [recipient.userId])).has(recipient.userId) &&
          !(await this.contacts.isTrusted(command.senderId, recipient.userId)),
        alreadyAnswered: () => this.executor.answered(idempotent),
      });
    }
    const [sender] = await this.wallets.ensureWallets([command.senderId, recipient.userId], wallets);

    const booking = {
      sender,
      recipient,
      amount: command.amount,
      fee: this.fees.p2p(command.amount.currency.code),
      note: command.note,
    };
    const result = await this.executor.executeAtOnce(
      idempotent,
      // One statement, one round trip: the key with its answer, the limits, the ledger, the transfer and its event.
      async (manager, claim) => (await this.p2p.bookAtOnce(manager, booking, claim))?.response,
      // Anything refused (the key is known, funds, a limit): in a transaction, which replays or records the refusal.
      async (tx, completion) => {
        // The answer is stored by the booking's last statement, with the transfer and its event.
        const booked = await this.p2p.book(tx, booking, (response) => completion.write(response));
        return booked.response;
      },
    );
    this.relay.nudge();
    return result;
  }

  /**
   * No user has that email or phone (or one who blocked the sender: answered alike): the money is held for whoever
   * verifies it (P2pInvites). A new recipient by definition, for the step-up check.
   */
  private async inviteUnknown(
    command: SendP2pTransferCommand,
    kind: 'email' | 'phone',
    idempotent: { userId: string; key: string; scope: string; body: unknown },
    wallets: Wallet[],
  ) {
    if (command.stepUp) {
      await this.stepUp.assert({
        userId: command.senderId,
        context: command.stepUp,
        operation: 'p2p_transfer',
        amountUsd: this.wallets.usdValue(command.amount),
        newRecipient: true,
        alreadyAnswered: () => this.executor.answered(idempotent),
      });
    }
    const [sender] = await this.wallets.ensureWallets([command.senderId], wallets);
    return this.invites.send({
      sender,
      idempotent,
      recipient: { kind, value: inviteAddressOf(kind, command.to), ref: command.to.trim() },
      amount: command.amount,
      fee: this.fees.p2p(command.amount.currency.code),
      note: command.note,
    });
  }
}
