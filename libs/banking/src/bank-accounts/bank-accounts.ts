import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Users } from '#monay/identity';
import { Money } from '#monay/kernel';
import { Clock, OutboxWriter, UnitOfWork, outboxMessage } from '#monay/shared';
import { WalletAccess } from '#monay/wallet';
import type { EntityManager } from 'typeorm';
import { isValidRoutingNumber, lastFour } from '../domain/aba';
import {
  BankAccountAlreadyLinkedError,
  BankAccountHasPendingTransfersError,
  BankAccountNotAwaitingVerificationError,
  BankAccountNotFoundError,
  BankAccountOwnershipMismatchError,
  BankLinkCredentialsInvalidError,
  InvalidRoutingNumberError,
  MicroDepositAmountsWrongError,
  MicroDepositsNotArrivedError,
} from '../domain/banking.errors';
import { BankAccountUpdated } from '../domain/events';
import { ownershipOf } from '../domain/identity-match';
import { ACCOUNT_LINK_VENDOR, type AccountLinkVendor } from '../vendors/account-link.port';
import { BANK_RAIL_VENDOR, type BankRailVendor } from '../vendors/bank-rail.port';
import { BankTransferRepository } from '../bank-transfers/bank-transfer.repository';
import { AccountCipher } from './account-cipher';
import { bankAccountView, labelOf, type BankAccount, type BankAccountStatus } from './bank-account';
import { BankAccountRepository } from './bank-account.repository';

const MAX_MICRO_ATTEMPTS = 3;

/**
 * Linked bank accounts: instant verification (Plaid-shaped: sign in, pick an account, ownership checked by identity
 * match), manual entry (ABA checksum, number sealed, micro-deposits on the banking clock, three verification
 * attempts), list and removal. Only a `verified` account moves money.
 */
@Injectable()
export class BankAccounts {
  constructor(
    private readonly repository: BankAccountRepository,
    private readonly transfers: BankTransferRepository,
    private readonly cipher: AccountCipher,
    @Inject(BANK_RAIL_VENDOR) private readonly rail: BankRailVendor,
    @Inject(ACCOUNT_LINK_VENDOR) private readonly link: AccountLinkVendor,
    private readonly users: Users,
    private readonly wallets: WalletAccess,
    private readonly uow: UnitOfWork,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  institutions() {
    return this.link.institutions();
  }

  private async requireRails(userId: string): Promise<void> {
    this.wallets.requireFeature(await this.wallets.ensureWallet(userId), 'bank_transfers');
  }

  async linkInstant(
    userId: string,
    input: { institutionId: string; username: string; password: string; accountId?: string },
  ) {
    await this.requireRails(userId);
    const { itemId, accounts } = await this.link.exchange(
      input.institutionId,
      input.username,
      input.password,
    );
    const institution = this.link.institutions().find((i) => i.id === input.institutionId);
    if (input.accountId === undefined) {
      return {
        status: 200,
        body: {
          success: true,
          linked: false,
          accounts: accounts.map(({ accountId, name, mask, type }) => ({ accountId, name, mask, type })),
        },
      };
    }
    const picked = accounts.find((account) => account.accountId === input.accountId);
    if (!picked) throw new BankLinkCredentialsInvalidError();
    const profile = await this.users.profile(userId);
    const scores = await this.link.identityMatch(itemId, picked.accountId, {
      legalName: null,
      email: profile.security.emailVerified ? profile.email : null,
      phone: profile.security.phoneVerified ? profile.phone : null,
    });
    const outcome = ownershipOf(scores);
    if (outcome.decision === 'refused')
      throw new BankAccountOwnershipMismatchError(outcome.reason, { ...scores });
    const fingerprint = this.cipher.fingerprint(picked.routingNumber, picked.accountNumber);
    await this.refuseDuplicate(userId, fingerprint);
    const status: BankAccountStatus = outcome.decision === 'verified' ? 'verified' : 'needs_review';
    const source = await this.rail.createFundingSource({
      routingNumber: picked.routingNumber,
      accountNumber: picked.accountNumber,
      type: picked.type,
      name: picked.holderName,
      verified: status === 'verified',
    });
    const account = await this.store(userId, {
      source: 'instant',
      institutionName: institution?.name ?? input.institutionId,
      holderName: picked.holderName,
      accountType: picked.type,
      routingNumber: picked.routingNumber,
      accountNumber: picked.accountNumber,
      fingerprint,
      status,
      statusReason: outcome.decision === 'needs_review' ? outcome.reason : null,
      vendorFundingSourceId: source.id,
      ownership: { ...scores, decision: outcome.decision },
    });
    return { status: 201, body: { success: true, linked: true, bankAccount: bankAccountView(account) } };
  }

  async addManual(
    userId: string,
    input: { routingNumber: string; accountNumber: string; type: 'checking' | 'savings'; holderName: string },
  ) {
    await this.requireRails(userId);
    if (!isValidRoutingNumber(input.routingNumber)) throw new InvalidRoutingNumberError();
    const fingerprint = this.cipher.fingerprint(input.routingNumber, input.accountNumber);
    await this.refuseDuplicate(userId, fingerprint);
    const source = await this.rail.createFundingSource({
      routingNumber: input.routingNumber,
      accountNumber: input.accountNumber,
      type: input.type,
      name: input.holderName,
      verified: false,
    });
    const account = await this.store(userId, {
      source: 'manual',
      institutionName: `Bank ${input.routingNumber}`,
      holderName: input.holderName,
      accountType: input.type,
      routingNumber: input.routingNumber,
      accountNumber: input.accountNumber,
      fingerprint,
      status: 'pending_verification',
      statusReason: null,
      vendorFundingSourceId: source.id,
      ownership: null,
    });
    const now = this.clock.now();
    const started = await this.rail.initiateMicroDeposits(source.id, now);
    const availableAt = started.microDeposits?.availableAt ?? null;
    await this.repository.setMicroDeposits(account.id, availableAt, now);
    return bankAccountView({ ...account, microDepositsAvailableAt: availableAt });
  }

  async verify(userId: string, bankAccountId: string, amount1: Money, amount2: Money) {
    const account = await this.owned(userId, bankAccountId);
    // Verified already (instantly, or by an earlier answer): nothing to do, the same answer.
    if (account.status === 'verified') return bankAccountView(account);
    if (account.status !== 'pending_verification' || !account.vendorFundingSourceId) {
      throw new BankAccountNotAwaitingVerificationError(account.status);
    }
    const source = await this.rail.fundingSource(account.vendorFundingSourceId);
    if (source?.microDeposits?.status !== 'processed' && source?.microDeposits?.status !== 'failed') {
      throw new MicroDepositsNotArrivedError(account.microDepositsAvailableAt?.toISOString() ?? null);
    }
    const under = (money: Money) => money.minor > 0n && money.minor < 10n;
    const { verified, source: after } =
      under(amount1) && under(amount2) && source.microDeposits.status === 'processed'
        ? await this.rail.verifyMicroDeposits(
            account.vendorFundingSourceId,
            Number(amount1.minor),
            Number(amount2.minor),
          )
        : await this.countWrongAttempt(account.vendorFundingSourceId);
    const attempts = after.microDeposits?.attempts ?? account.verifyAttempts + 1;
    const status: BankAccountStatus = verified
      ? 'verified'
      : after.microDeposits?.status === 'failed' || attempts >= MAX_MICRO_ATTEMPTS
        ? 'verification_failed'
        : 'pending_verification';
    const updated = await this.uow.run(async (tx) => {
      const locked = await this.repository.findOwned(userId, account.id, tx, true);
      if (!locked) throw new BankAccountNotFoundError();
      const now = this.clock.now();
      await this.repository.setVerifyAttempts(tx, account.id, attempts, now);
      if (status !== locked.status) {
        const reason = status === 'verification_failed' ? 'too many wrong micro-deposit amounts' : null;
        await this.changeStatus(tx, locked, status, reason);
      }
      return (await this.repository.findById(account.id, tx)) as BankAccount;
    });
    if (!verified && status === 'pending_verification') {
      throw new MicroDepositAmountsWrongError(MAX_MICRO_ATTEMPTS - attempts);
    }
    return bankAccountView(updated);
  }

  /** Amounts that cannot be the micro-deposits still use an attempt, as Dwolla counts them. */
  private async countWrongAttempt(fundingSourceId: string) {
    return this.rail.verifyMicroDeposits(fundingSourceId, 0, 0);
  }

  async list(userId: string) {
    return (await this.repository.list(userId)).map(bankAccountView);
  }

  /** Removes the account; removing it again answers the same (idempotent for its owner). */
  async remove(userId: string, bankAccountId: string): Promise<void> {
    const existing = await this.repository.findOwnedAnyStatus(userId, bankAccountId);
    if (existing?.status === 'removed') return;
    const account = await this.owned(userId, bankAccountId);
    await this.uow.run(async (tx) => {
      const locked = await this.repository.findOwned(userId, account.id, tx, true);
      if (!locked) throw new BankAccountNotFoundError();
      if (await this.transfers.hasPending(tx, locked.id)) throw new BankAccountHasPendingTransfersError();
      await this.changeStatus(tx, locked, 'removed', 'removed by the user');
    });
    if (account.vendorFundingSourceId)
      await this.rail.setFundingSourceStatus(account.vendorFundingSourceId, 'removed');
  }

  /** The user's account, any status but removed; 404 otherwise. */
  async owned(userId: string, bankAccountId: string, tx?: EntityManager, lock = false): Promise<BankAccount> {
    const account = await this.repository.findOwned(userId, bankAccountId, tx, lock);
    if (!account) throw new BankAccountNotFoundError();
    return account;
  }

  /** Sets an account's status and tells the user (BankAccountUpdated), in `tx`. */
  async changeStatus(
    tx: EntityManager,
    account: BankAccount,
    status: BankAccountStatus,
    reason: string | null,
  ) {
    await this.repository.setStatus(tx, account.id, status, reason, this.clock.now());
    await this.outbox.append(tx, [
      outboxMessage(BankAccountUpdated, account.id, [account.userId], {
        bankAccountId: account.id,
        userId: account.userId,
        status,
        bankAccount: labelOf(account),
        reason,
      }),
    ]);
  }

  private async refuseDuplicate(userId: string, fingerprint: string): Promise<void> {
    const existing = await this.repository.findByFingerprint(userId, fingerprint);
    if (existing) throw new BankAccountAlreadyLinkedError(existing.id);
  }

  private async store(
    userId: string,
    input: Omit<
      BankAccount,
      'id' | 'userId' | 'accountMask' | 'verifyAttempts' | 'createdAt' | 'microDepositsAvailableAt'
    > & {
      accountNumber: string;
      fingerprint: string;
    },
  ): Promise<BankAccount> {
    const id = randomUUID();
    const now = this.clock.now();
    const { accountNumber, ...rest } = input;
    return this.uow.run(async (tx) => {
      const inserted = await this.repository.insert(tx, {
        ...rest,
        id,
        userId,
        accountMask: lastFour(accountNumber),
        sealedNumber: this.cipher.seal(accountNumber),
        now,
      });
      if (!inserted) {
        const existing = await this.repository.findByFingerprint(userId, input.fingerprint);
        throw new BankAccountAlreadyLinkedError(existing?.id ?? '');
      }
      const account = (await this.repository.findById(id, tx)) as BankAccount;
      await this.outbox.append(tx, [
        outboxMessage(BankAccountUpdated, id, [userId], {
          bankAccountId: id,
          userId,
          status: input.status,
          bankAccount: labelOf(account),
          reason: input.statusReason,
        }),
      ]);
      return account;
    });
  }
}
