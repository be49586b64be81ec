import { Injectable } from '@nestjs/common';
import { Users, type UserDirectoryEntry } from '#monay/identity';
import type { DomainError } from '#monay/kernel';
import { WalletAccess } from '#monay/wallet';
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
 * number of queries however many recipients there are (a batch has up to 1,000). A user who blocked the sender is
 * answered exactly as no user at all (RECIPIENT_NOT_FOUND): the sender cannot pay them, request from them or find
 * them by lookup, and cannot tell a block from an unknown recipient.
 */
@Injectable()
export class RecipientResolver {
  constructor(
    private readonly users: Users,
    private readonly wallets: WalletAccess,
    private readonly contacts: ContactRepository,
  ) {}

  async resolveMany(senderId: string, tos: string[]): Promise<Resolution[]> {
    const refs = tos.map(classifyRecipient);
    const addresses = refs.filter((r) => r.kind === 'address').map((r) => r.value);
    const walletsByAddress = new Map(
      (await this.wallets.findByAddresses(addresses)).map((w) => [w.address, w.userId]),
    );
    const ids = [
      ...refs.filter((r) => r.kind === 'userId').map((r) => r.value),
      ...walletsByAddress.values(),
    ];
    const users = await this.users.find({
      ids,
      emails: refs.filter((r) => r.kind === 'email').map((r) => r.value),
      phones: refs.filter((r) => r.kind === 'phone').map((r) => r.value),
    });
    const blockers = await this.contacts.blockersOf(
      senderId,
      users.map((u) => u.id),
    );
    const byId = new Map(users.map((u) => [u.id, u]));
    const byEmail = new Map(users.map((u) => [u.email, u]));
    const byPhone = new Map(users.filter((u) => u.phone).map((u) => [u.phone as string, u]));
    const normalizePhone = (phone: string) => {
      const digits = phone.replace(/[\s().-]/g, '');
      return digits.startsWith('+') ? digits : `+${digits}`;
    };

    return refs.map((ref, index): Resolution => {
      let user: UserDirectoryEntry | undefined;
      if (ref.kind === 'email') user = byEmail.get(ref.value);
      else if (ref.kind === 'phone') user = byPhone.get(normalizePhone(ref.value));
      else if (ref.kind === 'userId') user = byId.get(ref.value);
      else if (ref.kind === 'address') user = byId.get(walletsByAddress.get(ref.value) ?? '');
      if (!user || blockers.has(user.id)) return { ok: false, error: new RecipientNotFoundError(tos[index]) };
      if (user.id === senderId) return { ok: false, error: new SelfTransferError() };
      return { ok: true, userId: user.id, displayName: maskRecipient(tos[index]), ref: tos[index] };
    });
  }
}
