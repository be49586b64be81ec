/** SendGrid's v3 Mail Send API and event webhook: the shapes we send and read. */

/** One personalization of a v3 Mail Send request: its recipients and what is theirs alone. */
export interface SendGridPersonalization {
  to: Array<{ email: string; name?: string }>;
  subject?: string;
  headers?: Record<string, string>;
  /** Replaced in the content, key by value, for these recipients (at most 10,000 bytes a personalization). */
  substitutions?: Record<string, string>;
  /** Echoed in every event about these recipients' message. */
  custom_args?: Record<string, string>;
}

/** SendGrid's `POST /v3/mail/send` body, as much of it as we send. */
export interface SendGridMail {
  personalizations: SendGridPersonalization[];
  from: { email: string; name?: string };
  subject?: string;
  content: Array<{ type: 'text/plain' | 'text/html'; value: string }>;
  headers?: Record<string, string>;
}

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** An address SendGrid would take (it refuses the whole request for one it would not). */
export function isEmailAddress(address: string): boolean {
  return EMAIL.test(address);
}

/** SendGrid's limits on one request. */
export const SENDGRID_LIMITS = {
  personalizations: 1000,
  recipients: 1000,
  substitutionBytes: 10_000,
} as const;

/** SendGrid refused a request: its HTTP status and its `errors` (message, field). */
export class SendGridError extends Error {
  constructor(
    readonly status: number,
    readonly errors: ReadonlyArray<{ message: string; field?: string | null }>,
  ) {
    super(
      errors.map((error) => (error.field ? `${error.field}: ${error.message}` : error.message)).join('; ') ||
        `HTTP ${status}`,
    );
    this.name = 'SendGridError';
  }
}

/** A SendGrid event as its webhook posts it (custom args ride at the top level). */
export interface SendGridEvent {
  email: string;
  timestamp: number;
  event: 'processed' | 'delivered' | 'bounce' | 'dropped' | 'deferred' | 'open' | 'click';
  sg_event_id: string;
  sg_message_id: string;
  'smtp-id'?: string;
  reason?: string;
  status?: string;
  type?: string;
  response?: string;
  [customArg: string]: unknown;
}
