import { Injectable } from '@nestjs/common';
import { Money } from '#monay/kernel';
import { type AnyOutboxMessage } from '#monay/shared';
import { legsOf } from '../../domain/external-transfer';
import type { Movement } from '../../domain/movement';
import { ProviderRefusedError } from '../../domain/providers.errors';
import type { ProviderTransaction, StablecoinProvider } from '../../domain/stablecoin-provider.port';
import { memoFor } from '../send-external-transfer/external-transfer.policy';
import { externalTransferEvents, externalTransferResponse } from '../external-transfer-view';
import { OutboundMovementPolicy } from '../outbound.policy';
import type { MovementTransition } from '../movement-policy';
import { assertFeeCovered } from '../request-withdrawal/withdrawal.policy';

/**
 * Many external 0x transfers in ONE provider transaction (a native batch: Tempo), one fee for all of them: a
 * withdrawal with `batchTransfer` as its call. The movement's amount is the sum of its legs (metadata
 * `legs`); one hold covers the sum + the fee held, posted once for the sum + the actual fee. A provider
 * without native batches refuses it before anything is sent (the batch request then sends the legs one by
 * one, see SendExternalBatchHandler).
 */
@Injectable()
export class ExternalBatchPolicy extends OutboundMovementPolicy {
  readonly kind = 'batch' as const;
  readonly operation = 'batchTransfer' as const;
  protected readonly ledgerKind = 'external_batch';

  async call(provider: StablecoinProvider, movement: Movement): Promise<ProviderTransaction> {
    const legs = legsOf(movement);
    if (legs.length === 0) throw new ProviderRefusedError(provider.name, 'a batch without legs');
    const amount = Money.of(movement.amount, movement.currency);
    assertFeeCovered(provider, 'batchTransfer', amount, movement.feeHeld, legs.length);
    return provider.batchTransfer({
      idempotencyKey: movement.id,
      transfers: legs.map((leg) => {
        const memo = memoFor(provider.name, leg.note);
        return {
          to: leg.to,
          amount: Money.of(BigInt(leg.amount), movement.currency),
          ...(memo !== undefined && { memo }),
        };
      }),
    });
  }

  events(
    movement: Movement,
    transition: MovementTransition,
    context: { holdReleased: boolean },
  ): AnyOutboxMessage[] {
    return externalTransferEvents(movement, transition, context);
  }

  respond(movement: Movement) {
    return externalTransferResponse(movement);
  }
}
