import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, type ProviderName } from '#monay/shared';
import { signWebhook, WEBHOOK_ID_HEADER, WEBHOOK_SIGNATURE_HEADER } from '../domain/webhook-signature';
import { SandboxRepository, type SandboxTransactionRow } from './sandbox.repository';
import { WebhookTarget } from './webhook-target';

/** What a sandbox provider posts when one of its transactions settles. */
export interface SandboxWebhookBody {
  id: string;
  type: 'transaction.updated';
  provider: ProviderName;
  createdAt: string;
  data: {
    idempotencyKey: string;
    providerTransactionId: string;
    status: 'completed' | 'failed';
    providerStatus: string;
    failureReason?: string;
  };
}

/** Delays between delivery attempts (the first is immediate). */
const RETRY_DELAYS_MS = [500, 2_000];
const DELIVERY_TIMEOUT_MS = 5_000;

/**
 * The sandboxes' outgoing webhooks: one signed `transaction.updated` per settled transaction (completed or
 * failed), fire-and-forget with a couple of retries, on in-process timers. Whichever process first sees a
 * transaction settled claims its notification in the database, so it is sent once. A timer lost with its
 * process is fine: our poller asks the provider anyway.
 */
@Injectable()
export class SandboxWebhooks implements OnApplicationShutdown {
  private readonly logger = new Logger('SandboxWebhooks');
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly config: AppConfig,
    private readonly target: WebhookTarget,
    private readonly repository: SandboxRepository,
  ) {}

  /** Whether anything would be sent (a target is known). */
  get enabled(): boolean {
    return !this.closed && this.target.baseUrl() !== undefined;
  }

  /** Runs `check` at `at` (to settle a transaction and notify), if webhooks are sent from this process. */
  scheduleCheck(at: Date, check: () => Promise<unknown>): void {
    if (!this.enabled) return;
    this.later(Math.max(0, at.getTime() - Date.now()) + 5, check);
  }

  /** Sends the webhook of each settled row this process is first to claim. */
  async notify(rows: SandboxTransactionRow[]): Promise<void> {
    if (!this.enabled) return;
    for (const row of rows) {
      if (row.status === 'pending' || row.notifiedAt) continue;
      if (!(await this.repository.claimNotification(row.id, new Date()))) continue;
      this.deliver(row, 0);
    }
  }

  onApplicationShutdown(): void {
    this.close();
  }

  /** Stops every pending timer; nothing is sent after. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  static bodyOf(row: SandboxTransactionRow, createdAt: Date): SandboxWebhookBody {
    return {
      id: row.webhookId,
      type: 'transaction.updated',
      provider: row.provider,
      createdAt: createdAt.toISOString(),
      data: {
        idempotencyKey: row.idempotencyKey,
        providerTransactionId: row.providerTransactionId,
        status: row.status as 'completed' | 'failed',
        providerStatus: row.providerStatus,
        ...(row.failureReason ? { failureReason: row.failureReason } : {}),
      },
    };
  }

  private deliver(row: SandboxTransactionRow, attempt: number): void {
    const url = this.target.urlFor(row.provider);
    if (!url || this.closed) return;
    const body = JSON.stringify(SandboxWebhooks.bodyOf(row, row.settledAt ?? new Date()));
    const signature = signWebhook(
      this.config.providers.webhookSecrets[row.provider],
      body,
      Math.floor(Date.now() / 1000),
    );
    fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': `monay-sandbox-${row.provider}`,
        [WEBHOOK_ID_HEADER]: row.webhookId,
        [WEBHOOK_SIGNATURE_HEADER]: signature,
      },
      body,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    })
      .then(async (response) => {
        await response.arrayBuffer().catch(() => undefined);
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
      })
      .catch((error: unknown) => {
        const delay = RETRY_DELAYS_MS[attempt];
        if (delay === undefined || this.closed) {
          this.logger.warn(
            `${row.provider} webhook ${row.webhookId} not delivered after ${attempt + 1} attempts: ${String(error)}`,
          );
          return;
        }
        this.later(delay, async () => this.deliver(row, attempt + 1));
      });
  }

  private later(ms: number, work: () => Promise<unknown>): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.closed) return;
      work().catch((error: unknown) => this.logger.warn(`sandbox timer failed: ${String(error)}`));
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }
}
