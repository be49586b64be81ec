import { Injectable } from '@nestjs/common';
import { Users, type UserDirectoryEntry } from '#monay/identity';
import type { DomainError } from '#monay/kernel';
import { readTogether, UnitOfWork, type ReadStep } from '#monay/shared';
import { WalletAccess, type Wallet } from '#monay/wallet';
import { classifyRecipient, maskRecipient } from '../domain/recipient-ref';
import { RecipientNotFoundError, SelfTransferError } from '../domain/transfer.errors';
import { ContactRepository } from '../infrastructure/contact.repository';

/**
 * `displayName` is what the sender may be shown: the masked form of what they typed (maskRecipient), never
 * data of the recipient's account. `userId` is for booking only; it must not reach the sender.
 */
export type Resolution =
  { ok: true; userId: string; displayName: string; ref: string } | { ok: false; error: DomainError };

/**
 * Turns what senders typed (`to`: email, phone, user id or `monay:` address) into Monay users, in a fixed
 * number of queries however many recipients there are (a batch has up to 1,000): one statement for the users and
 * the blocks among them (and their wallets, when asked), after one for the wallets of `monay:` addresses if any.
 * A user who blocked the sender is answered exactly as no user at all (RECIPIENT_NOT_FOUND): the sender cannot
 * pay them, request from them or find them by lookup, and cannot tell a block from an unknown recipient.
 */
@Injectable()
export class RecipientResolver {
  constructor(
    private readonly users: Users,
    private readonly wallets: WalletAccess,
    private readonly contacts: ContactRepository,
    private readonly uow: UnitOfWork,
  ) {}

  async resolveMany(senderId: string, tos: string[]): Promise<Resolution[]> {
    return (await this.resolve(senderId, tos, false)).resolutions;
  }

  /**
   * {@link resolveMany}, and in the same round trip the wallets of the sender and of every user found (for
   * `WalletAccess.ensureWallets`, which then reads nothing when they all have one).
   */
  resolveWithWallets(
    senderId: string,
    tos: string[],
  ): Promise<{ resolutions: Resolution[]; wallets: Wallet[] }> {
    return this.resolve(senderId, tos, true);
  }

  private async resolve(
    senderId: string,
    tos: string[],
    withWallets: boolean,
  ): Promise<{ resolutions: Resolution[]; wallets: Wallet[] }> {
    const refs = tos.map(classifyRecipient);
    const addresses = refs.filter((r) => r.kind === 'address').map((r) => r.value);
    const walletsByAddress = new Map(
      (addresses.length ? await this.wallets.findByAddresses(addresses) : []).map((w) => [
        w.address,
        w.userId,
      ]),
    );
    const ids = [
      ...refs.filter((r) => r.kind === 'userId').map((r) => r.value),
      ...walletsByAddress.values(),
    ];
    // One statement: the users, those of them who blocked the sender, and (withWallets) the wallets.
    const lookup = this.users.findRead({
      ids,
      emails: refs.filter((r) => r.kind === 'email').map((r) => r.value),
      phones: refs.filter((r) => r.kind === 'phone').map((r) => r.value),
    });
    const blocks: ReadStep<Set<string>> = (rowsOf) =>
      this.contacts.blockersRead(senderId, `SELECT id FROM ${rowsOf(0)}`);
    const [users, blockers, wallets] = withWallets
      ? await readTogether<[UserDirectoryEntry[], Set<string>, Wallet[]]>(this.uow.manager, [
          lookup,
          blocks,
          (rowsOf) => this.wallets.walletsRead([senderId], `SELECT id FROM ${rowsOf(0)}`),
        ])
      : [
          ...(await readTogether<[UserDirectoryEntry[], Set<string>]>(this.uow.manager, [lookup, blocks])),
          [],
        ];
    const byId = new Map(users.map((u) => [u.id, u]));
    const byEmail = new Map(users.map((u) => [u.email, u]));
    const byPhone = new Map(users.filter((u) => u.phone).map((u) => [u.phone as string, u]));
    const normalizePhone = (phone: string) => {
      const digits = phone.replace(/[\s().-]/g, '');
      return digits.startsWith('+') ? digits : `+${digits}`;
    };

    const resolutions = refs.map((ref, index): Resolution => {
      let user: UserDirectoryEntry | undefined;
      if (ref.kind === 'email') user = byEmail.get(ref.value);
      else if (ref.kind === 'phone') user = byPhone.get(normalizePhone(ref.value));
      else if (ref.kind === 'userId') user = byId.get(ref.value);
      else if (ref.kind === 'address') user = byId.get(walletsByAddress.get(ref.value) ?? '');
      if (!user || blockers.has(user.id)) return { ok: false, error: new RecipientNotFoundError(tos[index]) };
      if (user.id === senderId) return { ok: false, error: new SelfTransferError() };
      return { ok: true, userId: user.id, displayName: maskRecipient(tos[index]), ref: tos[index] };
    });
    return { resolutions, wallets };
  }
}
