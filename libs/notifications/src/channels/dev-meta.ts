/**
 * What a sender put in X-Monay-Dev-Meta (a one-time code's purpose and code: JSON in base64url, one token that
 * header folding leaves alone), for the dev mailbox: the email sandboxes (SMTP and SendGrid) file it beside the
 * message.
 */
export function devMetaOf(header: string | null | undefined): Record<string, unknown> {
  if (!header) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header.replace(/\s+/g, ''), 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
