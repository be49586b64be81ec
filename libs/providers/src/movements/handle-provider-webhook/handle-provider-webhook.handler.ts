import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig, PROVIDER_NAMES, UnitOfWork } from '#monay/shared';
import { isSettled, type Movement } from '../../domain/movement';
import {
  ProviderStatusUnavailableError,
  UnknownProviderError,
  WebhookPayloadInvalidError,
  WebhookSignatureInvalidError,
} from '../../domain/movement.errors';
import type { ProviderName, ProviderTransaction } from '../../domain/stablecoin-provider.port';
import { verifyWebhook } from '../../domain/webhook-signature';
import { MovementRepository } from '../movement.repository';
import { WebhookEventRepository, type WebhookOutcome } from '../webhook-event.repository';
import { MovementEngine, observationOf, withDeadline } from '../movement-engine';
import { MovementPolicies } from '../movement-policy';
import { HandleProviderWebhookCommand, type WebhookReceipt } from './handle-provider-webhook.command';

const WEBHOOK_ID = /^[\x21-\x7e]{1,255}$/;

interface Notification {
  id?: unknown;
  type?: unknown;
  provider?: unknown;
  data?: { idempotencyKey?: unknown; status?: unknown };
}

/**
 * A provider's signed notification that a transaction changed (helper brief, Webhooks).
 *
 * Authenticity first: an unknown provider is 404 and a missing, wrong or stale signature 401, before anything
 * is read or written. Then the notification is a hint, never the truth about money: the provider is asked
 * for the transaction by our idempotency key (`getTransactionStatus`), and the movement is settled on that
 * answer. The payload carries no fee or amount, so it could not be booked from anyway, and a leaked webhook
 * secret can then never move money on its own. The `Webhook-Id` is recorded in the settling transaction:
 * a redelivery finds it and does nothing.
 */
@CommandHandler(HandleProviderWebhookCommand)
export class HandleProviderWebhookHandler implements ICommandHandler<HandleProviderWebhookCommand> {
  private readonly logger = new Logger('ProviderWebhooks');

  constructor(
    private readonly engine: MovementEngine,
    private readonly policies: MovementPolicies,
    private readonly movements: MovementRepository,
    private readonly webhooks: WebhookEventRepository,
    private readonly uow: UnitOfWork,
    private readonly config: AppConfig,
  ) {}

  async execute(command: HandleProviderWebhookCommand): Promise<WebhookReceipt> {
    const provider = this.providerOf(command.provider);
    const secret = this.config.providers.webhookSecrets[provider];
    const now = Math.floor(Date.now() / 1000);
    if (!command.rawBody || !verifyWebhook(secret, command.rawBody, command.signature, now)) {
      throw new WebhookSignatureInvalidError();
    }
    const notification = (command.body ?? {}) as Notification;
    const webhookId =
      command.webhookId ?? (typeof notification.id === 'string' ? notification.id : undefined);
    if (webhookId === undefined || !WEBHOOK_ID.test(webhookId)) {
      throw new WebhookPayloadInvalidError('a Webhook-Id header (1 to 255 visible characters) is required');
    }
    if (typeof notification.provider === 'string' && notification.provider !== provider) {
      throw new WebhookPayloadInvalidError(
        `it is about ${notification.provider.slice(0, 32)}, not ${provider}`,
      );
    }
    const key = notification.data?.idempotencyKey;
    if (typeof key !== 'string') throw new WebhookPayloadInvalidError('data.idempotencyKey is missing');
    const webhook = { provider, webhookId, payload: command.body };

    if (await this.webhooks.isRecorded(provider, webhookId)) return { received: true, duplicate: true };

    const movement = await this.movements.findById(key);
    const policy = movement && this.policies.get(movement.kind);
    if (!movement || !policy) {
      this.logger.warn(
        { provider, webhookId, idempotencyKey: key.slice(0, 64) },
        'Webhook about a transaction that is not one of our movements; ignored',
      );
      return this.recordOnly(webhook, null, 'unknown_movement', { received: true, ignored: true });
    }
    if (isSettled(movement)) {
      return this.recordOnly(webhook, movement.id, 'already_settled', {
        received: true,
        status: movement.status,
      });
    }
    if (movement.provider !== null && movement.provider !== provider) {
      // The router never sends one movement to two providers: this is not to be settled on.
      this.logger.error(
        { provider, recorded: movement.provider, movementId: movement.id, webhookId },
        'Webhook from a provider the movement was not sent to; ignored',
      );
      return this.recordOnly(webhook, movement.id, 'mismatch', { received: true, status: movement.status });
    }

    const transaction = await this.ask(provider, movement);
    if (!transaction) {
      this.logger.warn(
        { provider, movementId: movement.id, webhookId },
        'Webhook about a transaction the provider says it does not have; ignored',
      );
      return this.recordOnly(webhook, movement.id, 'mismatch', { received: true, status: movement.status });
    }
    if (transaction.status === 'pending' && movement.status === 'processing') {
      return this.recordOnly(webhook, movement.id, 'still_pending', {
        received: true,
        status: movement.status,
      });
    }
    const result = await this.engine.apply(policy, movement.id, observationOf(provider, transaction), {
      webhook,
    });
    if (result.duplicateWebhook) return { received: true, duplicate: true };
    return { received: true, status: result.movement.status };
  }

  private providerOf(name: string): ProviderName {
    const known = (PROVIDER_NAMES as readonly string[]).includes(name);
    if (!known || !this.engine.adapter(name as ProviderName)) throw new UnknownProviderError(name);
    return name as ProviderName;
  }

  /** The provider's own word on the transaction; 503 (the provider retries the webhook) if it cannot say. */
  private async ask(provider: ProviderName, movement: Movement): Promise<ProviderTransaction | null> {
    const adapter = this.engine.adapter(provider);
    if (!adapter) throw new UnknownProviderError(provider);
    try {
      return await withDeadline(
        adapter.getTransactionStatus(movement.id),
        this.config.providers.callTimeoutMs,
      );
    } catch (error) {
      this.logger.warn(
        { provider, movementId: movement.id, err: error },
        'Status query for a webhook failed',
      );
      throw new ProviderStatusUnavailableError(provider);
    }
  }

  /** Records a webhook that changes nothing (deduplicated all the same). */
  private async recordOnly(
    webhook: { provider: ProviderName; webhookId: string; payload: unknown },
    movementId: string | null,
    outcome: WebhookOutcome,
    receipt: WebhookReceipt,
  ): Promise<WebhookReceipt> {
    const fresh = await this.uow.run((tx) => this.webhooks.record(tx, { ...webhook, movementId, outcome }));
    return fresh ? receipt : { received: true, duplicate: true };
  }
}
