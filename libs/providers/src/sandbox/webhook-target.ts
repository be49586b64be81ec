import { Injectable } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { AppConfig, type ProviderName } from '#monay/shared';

/**
 * Where the sandbox providers deliver their webhooks: `config.providers.webhookUrl` when set, else this
 * process's own HTTP server once it listens (apps/api's main.ts tells us the port). Unknown — a worker,
 * or a test app that never listens — means no webhooks are sent (the poller still finds every outcome).
 */
@Injectable()
export class WebhookTarget {
  private local: string | undefined;

  constructor(private readonly config: AppConfig) {}

  /** Called with `server.address()` after `listen`. */
  listeningOn(address: AddressInfo | string | null): void {
    if (!address || typeof address === 'string') return;
    const wildcard = address.address === '0.0.0.0' || address.address === '::' || address.address === '';
    const host = wildcard ? '127.0.0.1' : address.address;
    this.local = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  /** The base URL (scheme, host, port), if any is known. */
  baseUrl(): string | undefined {
    return this.config.providers.webhookUrl?.replace(/\/+$/, '') ?? this.local;
  }

  urlFor(provider: ProviderName): string | undefined {
    const base = this.baseUrl();
    return base === undefined ? undefined : `${base}/api/webhooks/providers/${provider}`;
  }
}
