import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Money } from '#monay/kernel';
import { outboxMessage, type AnyOutboxMessage, type DomainEventName, type DomainEvents } from '#monay/shared';
import {
  DepositCompleted,
  DepositFailed,
  DepositInitiated,
  type DepositCompletedPayload,
  type DepositFailedPayload,
  type DepositInitiatedPayload,
} from '../../domain/events/movement.events';
import type { Movement } from '../../domain/movement';
import { ProviderRefusedError } from '../../domain/providers.errors';
import type { ProviderTransaction, StablecoinProvider } from '../../domain/stablecoin-provider.port';
import { MovementLedger } from '../movement-ledger';
import {
  MovementPolicies,
  type Booking,
  type MovementPolicy,
  type MovementTransition,
  type ProviderEffect,
} from '../movement-policy';
import { depositResponse } from '../movement-view';

export type DepositMethod = 'bank' | 'card' | 'crypto';

/** Money in: the provider collects the amount and withholds its fee; the wallet is credited the rest. */
@Injectable()
export class DepositPolicy implements MovementPolicy, OnModuleInit {
  readonly kind = 'deposit' as const;
  readonly operation = 'deposit' as const;
  readonly outbound = false;
  readonly countsAsDeposit = true;

  constructor(
    private readonly policies: MovementPolicies,
    private readonly ledger: MovementLedger,
  ) {}

  onModuleInit(): void {
    this.policies.register(this);
  }

  async call(provider: StablecoinProvider, movement: Movement): Promise<ProviderTransaction> {
    const amount = Money.of(movement.amount, movement.currency);
    const { fee } = provider.estimate('deposit', amount);
    if (fee >= movement.amount) {
      // Nothing would be credited: this provider cannot serve it (the router tries the next one).
      throw new ProviderRefusedError(
        provider.name,
        `its fee of ${Money.of(fee, movement.currency).toDecimalString()} ${movement.currency} leaves nothing to credit`,
      );
    }
    return provider.deposit({
      idempotencyKey: movement.id,
      amount,
      method: (movement.method ?? 'bank') as DepositMethod,
    });
  }

  settlementAmounts(movement: Movement, transaction: ProviderTransaction): { fee: bigint; net: bigint } {
    return { fee: transaction.fee, net: movement.amount - transaction.fee };
  }

  book(tx: EntityManager, movement: Movement, transaction: ProviderTransaction): Promise<Booking> {
    return this.ledger.creditInbound(tx, movement, transaction.provider, transaction.fee);
  }

  /** The provider collected the amount into our omnibus balance and withheld its fee. */
  providerEffect(movement: Movement, transaction: ProviderTransaction): ProviderEffect[] {
    return [{ currency: movement.currency, amount: movement.amount - transaction.fee }];
  }

  /** Nothing was held; the deposit limits its first step counted are given back. */
  async release(tx: EntityManager, movement: Movement): Promise<boolean> {
    await this.ledger.releaseLimits(tx, movement);
    return false;
  }

  events(movement: Movement, transition: MovementTransition): AnyOutboxMessage[] {
    const money = (minor: bigint) => Money.of(minor, movement.currency).toDecimalString();
    const common = {
      depositId: movement.id,
      userId: movement.userId,
      currency: movement.currency,
      amount: money(movement.amount),
    };
    const message = <K extends DomainEventName>(type: K, payload: DomainEvents[K]) => [
      outboxMessage(type, movement.id, [movement.userId], payload),
    ];
    switch (transition) {
      case 'requested':
        return [];
      case 'processing':
        return message(DepositInitiated, {
          ...common,
          provider: movement.provider,
          method: movement.method ?? 'bank',
        } satisfies DepositInitiatedPayload);
      case 'completed':
        return message(DepositCompleted, {
          ...common,
          fee: money(movement.fee ?? 0n),
          credited: money(movement.netAmount ?? 0n),
          provider: movement.provider ?? '',
          method: movement.method ?? 'bank',
          ledgerTransactionId: movement.ledgerTransactionId ?? '',
          completedAt: (movement.completedAt ?? new Date()).toISOString(),
        } satisfies DepositCompletedPayload);
      case 'failed':
        return message(DepositFailed, {
          ...common,
          provider: movement.provider,
          reason: movement.failureCode ?? 'PROVIDER_FAILED',
        } satisfies DepositFailedPayload);
    }
  }

  respond(movement: Movement) {
    return depositResponse(movement);
  }
}
