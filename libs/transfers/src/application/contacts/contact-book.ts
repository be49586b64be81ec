import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Users } from '#monay/identity';
import { InvalidExternalAddressError } from '#monay/providers';
import { Money, type CurrencyCode } from '#monay/kernel';
import { AppConfig, Clock } from '#monay/shared';
import { WalletAccess } from '#monay/wallet';
import { normalizeBookEmail, toE164 } from '../../domain/address-book';
import {
  ContactExistsError,
  ContactNotFoundError,
  DiscoveryQuotaExceededError,
  InvalidCursorError,
} from '../../domain/contact.errors';
import { classifyRecipient, maskRecipient } from '../../domain/recipient-ref';
import {
  ContactRepository,
  type ContactFlag,
  type ContactRecord,
} from '../../infrastructure/contact.repository';
import { RecipientResolver } from '../recipient-resolver';
import { decodeCursor, encodeCursor, toContactView, type ContactView } from './contact-view';

const DAY_MS = 86_400_000;
const FREQUENT_WINDOW_DAYS = 90;

export interface NewContact {
  to: string;
  nickname?: string;
  favourite?: boolean;
  trusted?: boolean;
  blocked?: boolean;
}

export interface BookEntry {
  name: string;
  phones?: string[];
  emails?: string[];
}

/**
 * A user's contacts: other Monay users (found as a payment would find them, so a user who blocked you cannot be
 * saved: RECIPIENT_NOT_FOUND) or external 0x addresses, with a nickname and the favourite / trusted / blocked flags;
 * the recipients paid most in the last 90 days; and address-book discovery, which matches only users who allow it,
 * stores nothing of the uploaded book and is held to a daily quota.
 */
@Injectable()
export class ContactBook {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly recipients: RecipientResolver,
    private readonly users: Users,
    private readonly wallets: WalletAccess,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async create(ownerId: string, input: NewContact): Promise<ContactView> {
    const ref = classifyRecipient(input.to);
    let contactUserId: string | null = null;
    let externalAddress: string | null = null;
    if (ref.kind === 'invalid_address') throw new InvalidExternalAddressError('to');
    if (ref.kind === 'external') {
      externalAddress = ref.value;
    } else {
      const [resolved] = await this.recipients.resolveMany(ownerId, [input.to]);
      if (!resolved.ok) throw resolved.error;
      contactUserId = resolved.userId;
    }
    const existing = await this.contacts.findExisting(ownerId, {
      userId: contactUserId,
      address: externalAddress,
    });
    if (existing) throw new ContactExistsError(existing.id);
    const now = this.clock.now();
    const record: ContactRecord = {
      id: randomUUID(),
      ownerUserId: ownerId,
      contactUserId,
      externalAddress,
      ref: input.to.trim(),
      nickname: input.nickname?.trim() || maskRecipient(input.to),
      favourite: input.favourite ?? false,
      trusted: (input.trusted ?? false) && !(input.blocked ?? false),
      blocked: input.blocked ?? false,
      createdAt: now,
      updatedAt: now,
    };
    const inserted = await this.contacts.insert(record);
    if (!inserted) {
      const raced = await this.contacts.findExisting(ownerId, {
        userId: contactUserId,
        address: externalAddress,
      });
      throw new ContactExistsError(raced?.id ?? record.id);
    }
    return toContactView(inserted);
  }

  async update(
    ownerId: string,
    id: string,
    change: { nickname?: string; favourite?: boolean; trusted?: boolean; blocked?: boolean },
  ): Promise<ContactView> {
    // Blocking someone withdraws trust in them; trusting someone is refused nothing, but a blocked contact is
    // never treated as trusted (ContactRepository.isTrusted).
    const normalized = { ...change, nickname: change.nickname?.trim() || undefined };
    if (change.blocked === true && change.trusted === undefined) normalized.trusted = false;
    const updated = await this.contacts.update(ownerId, id, normalized, this.clock.now());
    if (!updated) throw new ContactNotFoundError();
    return toContactView(updated);
  }

  async remove(ownerId: string, id: string): Promise<void> {
    if (!(await this.contacts.delete(ownerId, id))) throw new ContactNotFoundError();
  }

  async get(ownerId: string, id: string): Promise<ContactView> {
    const contact = await this.contacts.findOwned(ownerId, id);
    if (!contact) throw new ContactNotFoundError();
    return toContactView(contact);
  }

  async list(
    ownerId: string,
    query: { flag?: ContactFlag; search?: string; cursor?: string; limit: number },
  ): Promise<{ contacts: ContactView[]; nextCursor: string | null }> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    if (after === null) throw new InvalidCursorError();
    const rows = await this.contacts.page(ownerId, {
      flag: query.flag,
      search: query.search?.trim() || undefined,
      after,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      contacts: page.map(toContactView),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  /**
   * The Monay users `ownerId` paid most in the last 90 days (completed transfers, whether saved or not): ranked by
   * how many payments, then by the USD value paid. Shown as the owner typed them last (masked) or by the contact's
   * nickname; never by the recipient's id.
   */
  async frequent(ownerId: string, limit: number) {
    const now = this.clock.now();
    const rows = await this.contacts.paidSince(
      ownerId,
      new Date(now.getTime() - FREQUENT_WINDOW_DAYS * DAY_MS),
    );
    const byRecipient = new Map<
      string,
      {
        count: number;
        usd: Money;
        lastRef: string;
        lastPaidAt: Date;
        totals: Array<{ currency: string; amount: string }>;
      }
    >();
    for (const row of rows) {
      const amount = Money.of(row.total, row.currency as CurrencyCode);
      const entry = byRecipient.get(row.recipientUserId) ?? {
        count: 0,
        usd: Money.zero('USD'),
        lastRef: row.lastRef,
        lastPaidAt: row.lastPaidAt,
        totals: [],
      };
      entry.count += row.count;
      entry.usd = entry.usd.plus(this.wallets.usdValue(amount));
      entry.totals.push({ currency: row.currency, amount: amount.toDecimalString() });
      if (row.lastPaidAt > entry.lastPaidAt)
        Object.assign(entry, { lastPaidAt: row.lastPaidAt, lastRef: row.lastRef });
      byRecipient.set(row.recipientUserId, entry);
    }
    const ranked = [...byRecipient.entries()]
      .sort(([, a], [, b]) => b.count - a.count || compareBigint(b.usd.minor, a.usd.minor))
      .slice(0, limit);
    const saved = new Map(
      (
        await this.contacts.ofUsers(
          ownerId,
          ranked.map(([userId]) => userId),
        )
      ).map((c) => [c.contactUserId, c]),
    );
    return ranked.map(([userId, entry]) => {
      const contact = saved.get(userId);
      return {
        ref: entry.lastRef,
        displayName: contact?.nickname ?? maskRecipient(entry.lastRef),
        contactId: contact?.id ?? null,
        favourite: contact?.favourite ?? false,
        count: entry.count,
        totals: entry.totals.sort((a, b) => a.currency.localeCompare(b.currency)),
        totalUsd: entry.usd.toDecimalString(),
        lastPaidAt: entry.lastPaidAt.toISOString(),
      };
    });
  }

  async discovery(userId: string): Promise<{ discoverable: boolean }> {
    return { discoverable: await this.contacts.discoverable(userId) };
  }

  async setDiscovery(userId: string, discoverable: boolean): Promise<{ discoverable: boolean }> {
    await this.contacts.setDiscoverable(userId, discoverable, this.clock.now());
    return { discoverable };
  }

  /**
   * Which entries of an uploaded address book are Monay users who allow discovery. Each entry counts against the
   * owner's daily quota (taken before anything is looked up, all or nothing); the book itself is not stored.
   * A match names the entry (its index and name) and the phone or email it matched, never the user's id.
   */
  async importBook(ownerId: string, entries: BookEntry[], defaultCountry: string) {
    const now = this.clock.now();
    const day = now.toISOString().slice(0, 10);
    const limit = this.config.everyday.discoveryDailyLimit;
    const used = await this.contacts.consumeDiscovery(ownerId, day, entries.length, limit);
    if (used === null) {
      const nextDay = Date.parse(`${day}T00:00:00.000Z`) + DAY_MS;
      const remaining = Math.max(0, limit - (await this.contacts.discoveryUsed(ownerId, day)));
      throw new DiscoveryQuotaExceededError(
        limit,
        remaining,
        Math.max(1, Math.ceil((nextDay - now.getTime()) / 1000)),
      );
    }
    const normalized = entries.map((entry) => ({
      phones: (entry.phones ?? [])
        .map((p) => toE164(p, defaultCountry))
        .filter((p): p is string => p !== null),
      emails: (entry.emails ?? []).map(normalizeBookEmail).filter((e): e is string => e !== null),
    }));
    const found = await this.users.find({
      emails: [...new Set(normalized.flatMap((n) => n.emails))],
      phones: [...new Set(normalized.flatMap((n) => n.phones))],
    });
    const candidates = found.filter((user) => user.id !== ownerId);
    const [discoverable, blockers, saved] = await Promise.all([
      this.contacts.discoverableAmong(candidates.map((u) => u.id)),
      this.contacts.blockersOf(
        ownerId,
        candidates.map((u) => u.id),
      ),
      this.contacts.ofUsers(
        ownerId,
        candidates.map((u) => u.id),
      ),
    ]);
    const visible = candidates.filter((u) => discoverable.has(u.id) && !blockers.has(u.id));
    const byEmail = new Map(visible.map((u) => [u.email, u.id]));
    const byPhone = new Map(visible.filter((u) => u.phone).map((u) => [u.phone as string, u.id]));
    const savedUsers = new Set(saved.map((c) => c.contactUserId));
    const matches: Array<{ index: number; name: string; ref: string; displayName: string; saved: boolean }> =
      [];
    const matchedUsers = new Set<string>();
    normalized.forEach((entry, index) => {
      const hit =
        entry.emails.map((email) => ({ ref: email, userId: byEmail.get(email) })).find((m) => m.userId) ??
        entry.phones.map((phone) => ({ ref: phone, userId: byPhone.get(phone) })).find((m) => m.userId);
      if (!hit?.userId || matchedUsers.has(hit.userId)) return;
      matchedUsers.add(hit.userId);
      matches.push({
        index,
        name: entries[index].name,
        ref: hit.ref,
        displayName: maskRecipient(hit.ref),
        saved: savedUsers.has(hit.userId),
      });
    });
    return {
      checked: entries.length,
      matches,
      quota: { limit, used, remaining: limit - used },
    };
  }
}

function compareBigint(a: bigint, b: bigint): number {
  return a === b ? 0 : a > b ? 1 : -1;
}
