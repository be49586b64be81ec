export type RecipientRef =
  | { kind: 'email'; value: string }
  | { kind: 'phone'; value: string }
  | { kind: 'userId'; value: string }
  | { kind: 'address'; value: string }
  /** An external on-chain address (`0x` and 40 hex digits, any case), in lower case: paid through a provider. */
  | { kind: 'external'; value: string }
  /** Starts like an on-chain address (`0x`) but is not one: refused as malformed (400). */
  | { kind: 'invalid_address'; value: string }
  | { kind: 'unknown'; value: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EXTERNAL_ADDRESS = /^0x[0-9a-f]{40}$/i;

/**
 * What the sender typed in `to`: an email, a phone number, a user id, a `monay:` wallet address, or an
 * external on-chain address (`0x` and 40 hex digits, any case: sent out through a provider). Anything else
 * that starts with `0x` is a malformed address, never looked up as a user.
 */
export function classifyRecipient(to: string): RecipientRef {
  const value = to.trim();
  if (value.toLowerCase().startsWith('monay:')) return { kind: 'address', value: value.toLowerCase() };
  if (value.includes('@')) return { kind: 'email', value: value.toLowerCase() };
  if (/^0x/i.test(value)) {
    return EXTERNAL_ADDRESS.test(value)
      ? { kind: 'external', value: value.toLowerCase() }
      : { kind: 'invalid_address', value };
  }
  if (UUID.test(value)) return { kind: 'userId', value: value.toLowerCase() };
  if (/^\+?[0-9 ().-]{7,20}$/.test(value)) return { kind: 'phone', value };
  return { kind: 'unknown', value };
}
