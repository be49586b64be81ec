import { Injectable } from '@nestjs/common';
import type { AddressInfo } from 'node:net';

/**
 * This process's own HTTP address, once it listens (apps/api's main.ts tells it; a worker, or a test app that only
 * inits, never learns one). The sandbox vendors post their webhooks and callbacks here unless a URL is configured.
 */
@Injectable()
export class OwnAddress {
  private local: string | undefined;

  /** Called with `server.address()` after `listen`; on every interface it is reached on the loopback. */
  listeningOn(address: AddressInfo | string | null): void {
    if (!address || typeof address === 'string') return;
    const wildcard = address.address === '0.0.0.0' || address.address === '::' || address.address === '';
    const host = wildcard ? '127.0.0.1' : address.address;
    this.local = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  /** `configured` (without a trailing slash) when set, else this process's own base URL, else undefined. */
  baseUrl(configured?: string): string | undefined {
    return configured?.replace(/\/+$/, '') ?? this.local;
  }
}
