export type RecipientRef =
  | { kind: 'email'; value: string }
  | { kind: 'phone'; value: string }
  | { kind: 'userId'; value: string }
  | { kind: 'address'; value: string }
  | { kind: 'unknown'; value: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the sender typed in `to`: an email, a phone number, a user id or a `monay:` wallet address. */
export function classifyRecipient(to: string): RecipientRef {
  const value = to.trim();
  if (value.toLowerCase().startsWith('monay:')) return { kind: 'address', value: value.toLowerCase() };
  if (value.includes('@')) return { kind: 'email', value: value.toLowerCase() };
  if (UUID.test(value)) return { kind: 'userId', value: value.toLowerCase() };
  if (/^\+?[0-9 ().-]{7,20}$/.test(value)) return { kind: 'phone', value };
  return { kind: 'unknown', value };
}
