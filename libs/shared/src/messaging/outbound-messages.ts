/**
 * A message that must leave at once, outside the notification flow: a one-time code (verification, password
 * reset, step-up) is sent while its request waits, not as a deferred, preference-driven notification.
 */
export interface OutboundMessage {
  channel: 'email' | 'sms';
  /** An email address, or a phone number in E.164 form. */
  to: string;
  subject?: string;
  text: string;
  /**
   * What a developer (or a test) finds beside the message in the dev mailbox (the purpose, the code). Never sent
   * to a real provider: outside production only.
   */
  devMeta: Record<string, unknown>;
}

/**
 * The port through which other contexts send such messages over the real channels (email over SMTP, SMS through
 * the SMS vendor). The notifications context binds it (globally); a context that finds it unbound falls back to
 * its development adapter.
 */
export interface OutboundMessages {
  send(message: OutboundMessage): Promise<void>;
}

export const OUTBOUND_MESSAGES = Symbol('OUTBOUND_MESSAGES');
