import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, OwnAddress } from '#monay/shared';
import { DWOLLA_SIGNATURE_HEADER, signDwolla } from '../../domain/dwolla-signature';
import { DwollaSandboxRepository, type SandboxEventRow } from './dwolla-sandbox.repository';

const RETRY_DELAYS_MS = [500, 2_000];
const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * The sandbox's outgoing webhooks: each event POSTed to `/api/webhooks/bank/dwolla` with `X-Dwolla-Topic` and
 * `X-Request-Signature-SHA-256` (hex HMAC-SHA256 of the body), at least once. Where to: `BANK_WEBHOOK_URL`, else
 * this process's own address once it listens (`OwnAddress`); unknown (a worker, a test app that never listens):
 * nothing is sent, and the due-work sweep's status checks settle the transfers all the same.
 */
@Injectable()
export class DwollaSandboxWebhooks implements OnApplicationShutdown {
  private readonly logger = new Logger('DwollaSandboxWebhooks');
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly config: AppConfig,
    private readonly repository: DwollaSandboxRepository,
    private readonly own: OwnAddress,
  ) {}

  url(): string | undefined {
    const base = this.own.baseUrl(this.config.bank.webhookUrl);
    return base === undefined ? undefined : `${base}/api/webhooks/bank/dwolla`;
  }

  headersFor(event: Pick<SandboxEventRow, 'topic' | 'body'>): Record<string, string> {
    return {
      'Content-Type': 'application/json',
      'User-Agent': 'monay-sandbox-dwolla',
      'X-Dwolla-Topic': event.topic,
      [DWOLLA_SIGNATURE_HEADER]: signDwolla(this.config.bank.webhookSecrets[0], event.body),
    };
  }

  send(events: SandboxEventRow[]): void {
    if (this.closed || this.url() === undefined) return;
    for (const event of events) this.deliver(event, 0);
  }

  onApplicationShutdown(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private deliver(event: SandboxEventRow, attempt: number): void {
    const url = this.url();
    if (!url || this.closed) return;
    fetch(url, {
      method: 'POST',
      headers: this.headersFor(event),
      body: event.body,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    })
      .then(async (response) => {
        await response.arrayBuffer().catch(() => undefined);
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        await this.repository.markDelivered(event.id);
      })
      .catch((error: unknown) => {
        const delay = RETRY_DELAYS_MS[attempt];
        if (delay === undefined || this.closed) {
          this.logger.warn(
            `Bank webhook ${event.id} not delivered after ${attempt + 1} attempts: ${String(error)}`,
          );
          return;
        }
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.deliver(event, attempt + 1);
        }, delay);
        timer.unref();
        this.timers.add(timer);
      });
  }
}
