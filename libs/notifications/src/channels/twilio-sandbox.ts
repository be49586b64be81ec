import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppConfig, DevMailbox } from '#monay/shared';
import { E164, smsSegments } from '../domain/sms';
import { twilioSignature } from '../domain/twilio-signature';
import { SandboxModes } from './sandbox-modes';

/** Twilio's Message resource, as much of it as we read. */
export interface TwilioMessage {
  sid: string;
  to: string;
  body: string;
  status: 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed';
  num_segments: string;
  error_code: number | null;
}

/** Twilio's error answer: an HTTP status and a numeric code (21211 invalid To, 20503 unavailable …). */
export class TwilioError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Test numbers and what happens to messages sent to them (after Twilio's magic test numbers). */
export const SANDBOX_NUMBERS = {
  invalid: '+15005550001',
  undelivered: '+15005550009',
  failed: '+15005550004',
} as const;

/**
 * A Twilio-shaped SMS sandbox (`POST /2010-04-01/Accounts/{Sid}/Messages.json`): E.164 numbers, segments counted,
 * a message `queued` at once and then moved on by signed status callbacks — `sent`, then `delivered`, or
 * `undelivered` (30003) / `failed` (30006) for the test numbers — form-encoded to its StatusCallback with
 * `X-Twilio-Signature`. An outage answers 503 (20503). What it "sends" is kept in the dev mailbox.
 */
@Injectable()
export class TwilioSandbox implements OnApplicationShutdown {
  private readonly logger = new Logger('TwilioSandbox');
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly config: AppConfig,
    private readonly modes: SandboxModes,
    private readonly mailbox: DevMailbox,
  ) {}

  async createMessage(
    params: {
      To: string;
      From: string;
      Body: string;
      StatusCallback?: string;
    },
    devMeta: Record<string, unknown> = {},
  ): Promise<TwilioMessage> {
    if ((await this.modes.of('sms')) === 'outage') {
      throw new TwilioError(503, 20503, 'Service Unavailable');
    }
    if (!E164.test(params.To) || params.To === SANDBOX_NUMBERS.invalid) {
      throw new TwilioError(400, 21211, `The 'To' number ${params.To} is not a valid phone number.`);
    }
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const { segments, encoding } = smsSegments(params.Body);
    await this.mailbox.record({
      channel: 'sms',
      to: params.To,
      text: params.Body,
      meta: { ...devMeta, sid, segments, encoding, from: params.From },
    });
    const final =
      params.To === SANDBOX_NUMBERS.undelivered
        ? { status: 'undelivered' as const, code: '30003' }
        : params.To === SANDBOX_NUMBERS.failed
          ? { status: 'failed' as const, code: '30006' }
          : { status: 'delivered' as const, code: null };
    if (params.StatusCallback) {
      const callback = params.StatusCallback;
      const delay = this.config.notifications.smsStatusDelayMs;
      this.later(delay, () => this.callback(callback, sid, params, 'sent', null));
      this.later(delay * 2, () => this.callback(callback, sid, params, final.status, final.code));
    }
    return {
      sid,
      to: params.To,
      body: params.Body,
      status: 'queued',
      num_segments: String(segments),
      error_code: null,
    };
  }

  onApplicationShutdown(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private later(ms: number, run: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) void run();
    }, ms);
    this.timers.add(timer);
  }

  private async callback(
    url: string,
    sid: string,
    message: { To: string; From: string },
    status: string,
    errorCode: string | null,
  ): Promise<void> {
    const params: Record<string, string> = {
      AccountSid: 'ACsandbox',
      MessageSid: sid,
      SmsSid: sid,
      MessageStatus: status,
      SmsStatus: status,
      To: message.To,
      From: message.From,
      ApiVersion: '2010-04-01',
      ...(errorCode && { ErrorCode: errorCode }),
    };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'X-Twilio-Signature': twilioSignature(this.config.notifications.twilioAuthToken, url, params),
        },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) this.logger.warn(`status callback ${sid} ${status}: HTTP ${response.status}`);
    } catch (error) {
      if (!this.closed) this.logger.warn(`status callback ${sid} ${status}: ${(error as Error).message}`);
    }
  }
}
