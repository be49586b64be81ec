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

/**
 * How a recipient is shown to the sender: a masked form of what the sender typed, never anything read from the
 * recipient's account (not their email's local part when the sender typed a phone, not their user id). It
 * depends on the typed value alone, so it is the same whether or not such a user exists: a lookup answer
 * does not reveal more than the sender already knew.
 *   "dana.p@example.com" → "d***@e***.com"   "+1 (555) 123-4567" → "+1 *** *** 4567"
 *   a user id → "user ****d4f2"              "monay:8f3k…x9" → "monay:****x9…" (its last 4 characters)
 */
export function maskRecipient(to: string): string {
  const ref = classifyRecipient(to);
  switch (ref.kind) {
    case 'email': {
      const at = ref.value.lastIndexOf('@');
      const local = ref.value.slice(0, at);
      const domain = ref.value.slice(at + 1);
      const dot = domain.lastIndexOf('.');
      const [host, tld] = dot > 0 ? [domain.slice(0, dot), domain.slice(dot)] : [domain, ''];
      return `${initial(local)}***@${initial(host)}***${tld}`;
    }
    case 'phone': {
      const digits = ref.value.replace(/\D/g, '');
      // E.164 numbers of 11+ digits lead with a country code; show it, as a card shows its network.
      const country = digits.length > 10 ? digits.slice(0, digits.length - 10) : '';
      return `${country ? `+${country} ` : ''}*** *** ${digits.slice(-4)}`;
    }
    case 'userId':
      return `user ****${ref.value.slice(-4)}`;
    case 'address':
      return `monay:****${ref.value.slice(-4)}`;
    case 'external':
      return ref.value;
    default:
      return '***';
  }
}

function initial(text: string): string {
  return [...text][0] ?? '';
}
