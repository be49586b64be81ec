import { Injectable } from '@nestjs/common';
import { Money } from '#monay/kernel';
import { outboxMessage, type AnyOutboxMessage, type DomainEventName, type DomainEvents } from '#monay/shared';
import {
  WithdrawalCompleted,
  WithdrawalFailed,
  WithdrawalRequested,
  type WithdrawalCompletedPayload,
  type WithdrawalFailedPayload,
  type WithdrawalRequestedPayload,
} from '../../domain/events/movement.events';
import { expectedArrival, maskDestination, type Movement } from '../../domain/movement';
import { ProviderRefusedError } from '../../domain/providers.errors';
import type { ProviderTransaction, StablecoinProvider } from '../../domain/stablecoin-provider.port';
import { OutboundMovementPolicy } from '../outbound.policy';
import type { MovementTransition } from '../movement-policy';
import { withdrawalResponse } from '../movement-view';

/**
 * Money out to a bank account or card: held on the wallet first (amount + the highest fee a candidate may
 * charge), posted for amount + the actual fee when the provider pays out, voided if it fails.
 */
@Injectable()
export class WithdrawalPolicy extends OutboundMovementPolicy {
  readonly kind = 'withdrawal' as const;
  readonly operation = 'withdraw' as const;
  protected readonly ledgerKind = 'withdrawal';

  async call(provider: StablecoinProvider, movement: Movement): Promise<ProviderTransaction> {
    const amount = Money.of(movement.amount, movement.currency);
    assertFeeCovered(provider, 'withdraw', amount, movement.feeHeld);
    return provider.withdraw({
      idempotencyKey: movement.id,
      amount,
      destination: movement.destination ?? '',
      speed: movement.speed ?? 'standard',
    });
  }

  expectedArrival(movement: Movement, settledAt: Date) {
    return expectedArrival(movement.speed ?? 'standard', movement.createdAt, settledAt);
  }

  events(
    movement: Movement,
    transition: MovementTransition,
    context: { holdReleased: boolean },
  ): AnyOutboxMessage[] {
    const money = (minor: bigint) => Money.of(minor, movement.currency).toDecimalString();
    const common = {
      withdrawalId: movement.id,
      userId: movement.userId,
      currency: movement.currency,
      amount: money(movement.amount),
    };
    const message = <K extends DomainEventName>(type: K, payload: DomainEvents[K]) => [
      outboxMessage(type, movement.id, [movement.userId], payload),
    ];
    switch (transition) {
      case 'requested':
        return message(WithdrawalRequested, {
          ...common,
          held: money(movement.amount + (movement.feeHeld ?? 0n)),
          destination: maskDestination(movement.destination ?? ''),
          speed: movement.speed ?? 'standard',
        } satisfies WithdrawalRequestedPayload);
      case 'processing':
        return [];
      case 'completed':
        return message(WithdrawalCompleted, {
          ...common,
          fee: money(movement.fee ?? 0n),
          debited: money(movement.netAmount ?? 0n),
          provider: movement.provider ?? '',
          ledgerTransactionId: movement.ledgerTransactionId ?? '',
          completedAt: (movement.completedAt ?? new Date()).toISOString(),
        } satisfies WithdrawalCompletedPayload);
      case 'failed':
        return message(WithdrawalFailed, {
          ...common,
          provider: movement.provider,
          reason: movement.failureCode ?? 'PROVIDER_FAILED',
          holdReleased: context.holdReleased,
        } satisfies WithdrawalFailedPayload);
    }
  }

  respond(movement: Movement) {
    return withdrawalResponse(movement);
  }
}

/**
 * Outbound money is only sent through a provider whose fee the hold covers (the plan may have changed since
 * the hold was placed): otherwise that provider refuses up front and the router tries the next one.
 */
export function assertFeeCovered(
  provider: StablecoinProvider,
  operation: 'withdraw' | 'transferOut' | 'batchTransfer',
  amount: Money,
  feeHeld: bigint | null,
  legs?: number,
): void {
  const { fee } = provider.estimate(operation, amount, legs);
  if (feeHeld === null || fee > feeHeld) {
    throw new ProviderRefusedError(
      provider.name,
      `its fee of ${Money.of(fee, amount.currency.code).toDecimalString()} ${amount.currency.code} is above what was held`,
    );
  }
}
