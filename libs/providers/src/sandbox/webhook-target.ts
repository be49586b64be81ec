import { Injectable } from '@nestjs/common';
import { AppConfig, OwnAddress, type ProviderName } from '#monay/shared';

/**
 * Where the sandbox providers deliver their webhooks: `config.providers.webhookUrl` when set, else this process's own
 * address once it listens. Unknown — a worker, or a test app that never listens — means no webhooks are sent (the
 * poller still finds every outcome).
 */
@Injectable()
export class WebhookTarget {
  constructor(
    private readonly config: AppConfig,
    private readonly own: OwnAddress,
  ) {}

  /** The base URL (scheme, host, port), if any is known. */
  baseUrl(): string | undefined {
    return this.own.baseUrl(this.config.providers.webhookUrl);
  }

  urlFor(provider: ProviderName): string | undefined {
    const base = this.baseUrl();
    return base === undefined ? undefined : `${base}/api/webhooks/providers/${provider}`;
  }
}
