import { Injectable } from '@nestjs/common';
import { AppConfig } from '#monay/shared';
import { SendGridError, type SendGridMail } from './sendgrid-api';
import { SendGridSandbox } from './sendgrid-sandbox';

/**
 * SendGrid's v3 Mail Send API: `POST {SENDGRID_API_URL}/v3/mail/send` with the API key as a bearer token, answered
 * 202 with the batch's `X-Message-Id`. Without SENDGRID_API_KEY (outside production) the in-process
 * {@link SendGridSandbox} answers instead, as the same API would.
 */
@Injectable()
export class SendGridClient {
  constructor(
    private readonly config: AppConfig,
    private readonly sandbox: SendGridSandbox,
  ) {}

  /** Whether a message can go out: an API key, or the sandbox outside production. */
  get configured(): boolean {
    return this.config.notifications.sendgrid.apiKey !== undefined || !this.config.isProduction;
  }

  /** The accepted request's X-Message-Id; a refusal throws {@link SendGridError}, a network failure its own error. */
  async send(mail: SendGridMail): Promise<string> {
    const { apiKey, apiUrl } = this.config.notifications.sendgrid;
    if (apiKey === undefined) {
      if (this.config.isProduction)
        throw new SendGridError(401, [{ message: 'No SENDGRID_API_KEY is configured' }]);
      return this.sandbox.send(mail);
    }
    const response = await fetch(`${apiUrl}/v3/mail/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(mail),
      signal: AbortSignal.timeout(20_000),
    });
    if (response.status === 202) return response.headers.get('x-message-id') ?? '';
    let errors: Array<{ message: string; field?: string | null }> = [];
    try {
      const body = (await response.json()) as { errors?: Array<{ message: string; field?: string | null }> };
      errors = body.errors ?? [];
    } catch {
      // no JSON body: the status says it
    }
    throw new SendGridError(response.status, errors);
  }
}
