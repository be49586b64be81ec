import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { ProviderName } from '../domain/stablecoin-provider.port';

/** What came of a provider webhook (kept with it, for support and audits). */
export type WebhookOutcome =
  'settled' | 'already_settled' | 'still_pending' | 'unknown_movement' | 'mismatch';

/** provider_webhook_events: the notifications already handled, by the provider's `Webhook-Id`. */
@Injectable()
export class WebhookEventRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async isRecorded(provider: ProviderName, webhookId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM provider_webhook_events WHERE provider = $1 AND webhook_id = $2`,
      [provider, webhookId],
    )) as unknown[];
    return rows.length > 0;
  }

  /**
   * Records the webhook unless it already is: false for a redelivery (another transaction recorded it first;
   * ON CONFLICT waits for it to commit), in which case the caller does nothing else.
   */
  async record(
    tx: EntityManager,
    event: {
      provider: ProviderName;
      webhookId: string;
      movementId: string | null;
      outcome: WebhookOutcome;
      payload: unknown;
    },
  ): Promise<boolean> {
    const inserted = (await tx.query(
      `INSERT INTO provider_webhook_events (provider, webhook_id, movement_id, outcome, payload)
       VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT DO NOTHING RETURNING 1`,
      [event.provider, event.webhookId, event.movementId, event.outcome, JSON.stringify(event.payload)],
    )) as unknown[];
    return inserted.length > 0;
  }

  /** Sets the outcome of a webhook recorded earlier in the same transaction. */
  async setOutcome(
    tx: EntityManager,
    provider: ProviderName,
    webhookId: string,
    outcome: WebhookOutcome,
  ): Promise<void> {
    await tx.query(
      `UPDATE provider_webhook_events SET outcome = $3 WHERE provider = $1 AND webhook_id = $2`,
      [provider, webhookId, outcome],
    );
  }
}
