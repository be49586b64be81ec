import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type AnyOutboxMessage, type StoredResponse } from '#monay/shared';
import type { Movement, MovementKind } from '../domain/movement';
import type {
  ProviderTransaction,
  RoutedOperation,
  StablecoinProvider,
} from '../domain/stablecoin-provider.port';
import { MovementLedger } from './movement-ledger';
import {
  MovementPolicies,
  type Booking,
  type MovementPolicy,
  type MovementTransition,
  type ProviderEffect,
} from './movement-policy';

/**
 * What every kind of money OUT shares (withdrawals, external transfers, provider batches): held on the wallet
 * first (amount + the highest fee a candidate may charge), posted for amount + the actual fee when the provider
 * pays out (the provider's clearing account credited from suspense), voided if it fails. A subclass says which
 * provider call it makes, and its events and answer.
 */
@Injectable()
export abstract class OutboundMovementPolicy implements MovementPolicy, OnModuleInit {
  abstract readonly kind: MovementKind;
  abstract readonly operation: RoutedOperation;
  readonly outbound = true;
  /** The ledger transaction kind of the booking. */
  protected abstract readonly ledgerKind: string;

  constructor(
    private readonly policies: MovementPolicies,
    protected readonly ledger: MovementLedger,
  ) {}

  onModuleInit(): void {
    this.policies.register(this);
  }

  abstract call(provider: StablecoinProvider, movement: Movement): Promise<ProviderTransaction>;

  abstract events(
    movement: Movement,
    transition: MovementTransition,
    context: { holdReleased: boolean },
  ): AnyOutboxMessage[];

  abstract respond(movement: Movement): StoredResponse;

  settlementAmounts(movement: Movement, transaction: ProviderTransaction): { fee: bigint; net: bigint } {
    return { fee: transaction.fee, net: movement.amount + transaction.fee };
  }

  book(tx: EntityManager, movement: Movement, transaction: ProviderTransaction): Promise<Booking> {
    return this.ledger.completeOutbound(tx, movement, transaction.provider, transaction.fee, this.ledgerKind);
  }

  /** The provider paid out amount + its fee from our omnibus balance. */
  providerEffect(movement: Movement, transaction: ProviderTransaction): ProviderEffect[] {
    return [{ currency: movement.currency, amount: -(movement.amount + transaction.fee) }];
  }

  release(tx: EntityManager, movement: Movement): Promise<boolean> {
    return this.ledger.releaseOutbound(tx, movement);
  }
}
