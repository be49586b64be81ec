import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, OwnAddress } from '#monay/shared';
import { PERSONA_SIGNATURE_HEADER, signPersona } from '../../domain/persona-signature';
import { PersonaSandboxRepository, type SandboxEventRow } from './persona-sandbox.repository';

const RETRY_DELAYS_MS = [500, 2_000];
const DELIVERY_TIMEOUT_MS = 5_000;

/**
 * The sandbox vendor's outgoing webhooks: each event is POSTed to `/api/webhooks/kyc/persona` signed as Persona
 * signs (every configured secret: two pairs while one rotates), at least once (a couple of retries on in-process
 * timers). Where to: `KYC_WEBHOOK_URL`, else this process's own HTTP address once it listens (apps/api's main.ts
 * says it); unknown (a worker, a test app that never listens) means nothing is sent, and the events stay in
 * `sandbox_kyc_events` for whoever redelivers them.
 */
@Injectable()
export class PersonaSandboxWebhooks implements OnApplicationShutdown {
  private readonly logger = new Logger('PersonaSandboxWebhooks');
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly config: AppConfig,
    private readonly repository: PersonaSandboxRepository,
    private readonly own: OwnAddress,
  ) {}

  url(): string | undefined {
    const base = this.own.baseUrl(this.config.kyc.webhookUrl);
    return base === undefined ? undefined : `${base}/api/webhooks/kyc/persona`;
  }

  /** The headers a delivery of `body` carries now. */
  headersFor(body: string, at = new Date()): Record<string, string> {
    return {
      'Content-Type': 'application/json',
      'User-Agent': 'monay-sandbox-persona',
      [PERSONA_SIGNATURE_HEADER]: signPersona(
        this.config.kyc.webhookSecrets,
        body,
        Math.floor(at.getTime() / 1000),
      ),
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
      headers: this.headersFor(event.body),
      body: event.body,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    })
      .then(async (response) => {
        await response.arrayBuffer().catch(() => undefined);
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        await this.repository.markDelivered(event.id, new Date());
      })
      .catch((error: unknown) => {
        const delay = RETRY_DELAYS_MS[attempt];
        if (delay === undefined || this.closed) {
          this.logger.warn(
            `KYC webhook ${event.id} not delivered after ${attempt + 1} attempts: ${String(error)}`,
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
