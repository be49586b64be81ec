import type { ContactRecord } from '../../infrastructure/contact.repository';

export interface ContactView {
  id: string;
  /** A Monay user, or an external 0x address. */
  kind: 'user' | 'external';
  /** What the owner typed when saving it (their own data: an email, phone, `monay:` address or 0x address). */
  ref: string;
  nickname: string;
  favourite: boolean;
  trusted: boolean;
  blocked: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toContactView(contact: ContactRecord): ContactView {
  return {
    id: contact.id,
    kind: contact.contactUserId ? 'user' : 'external',
    ref: contact.ref,
    nickname: contact.nickname,
    favourite: contact.favourite,
    trusted: contact.trusted,
    blocked: contact.blocked,
    createdAt: contact.createdAt.toISOString(),
    updatedAt: contact.updatedAt.toISOString(),
  };
}

/** An opaque page cursor: the last row's (createdAt, id). */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(iso ?? '');
  if (Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id ?? '')) return null;
  return { createdAt, id };
}
