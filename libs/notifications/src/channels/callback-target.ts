import { Injectable } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { AppConfig } from '#monay/shared';

/**
 * Where the SMS sandbox posts its status callbacks (Twilio's `StatusCallback`): NOTIFICATION_WEBHOOK_URL when set,
 * else this process's own HTTP server once it listens (apps/api's main.ts tells it). Unknown — a worker without
 * the setting, or an app that never listens — means no callbacks: the delivery stays `sent`.
 */
@Injectable()
export class CallbackTarget {
  private local: string | undefined;

  constructor(private readonly config: AppConfig) {}

  listeningOn(address: AddressInfo | string | null): void {
    if (!address || typeof address === 'string') return;
    const wildcard = address.address === '0.0.0.0' || address.address === '::' || address.address === '';
    const host = wildcard ? '127.0.0.1' : address.address;
    this.local = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  twilioStatusUrl(): string | undefined {
    const base = this.config.notifications.webhookUrl ?? this.local;
    return base === undefined ? undefined : `${base}/api/webhooks/notifications/twilio`;
  }
}
