import { Injectable } from '@nestjs/common';
import { Money } from '#monay/kernel';
import { type AnyOutboxMessage } from '#monay/shared';
import { noteOf, truncateUtf8 } from '../../domain/external-transfer';
import type { Movement } from '../../domain/movement';
import type {
  ProviderName,
  ProviderTransaction,
  StablecoinProvider,
} from '../../domain/stablecoin-provider.port';
import { TEMPO_MEMO_MAX_BYTES } from '../../sandbox/tempo-wire';
import { externalTransferEvents, externalTransferResponse } from '../external-transfer-view';
import { OutboundMovementPolicy } from '../outbound.policy';
import type { MovementTransition } from '../movement-policy';
import { assertFeeCovered } from '../request-withdrawal/withdrawal.policy';

/**
 * The sender's note as each vendor can carry it on chain: Tempo's `transferWithMemo` takes one bytes32 (the
 * note cut to 32 bytes of UTF-8, never mid-character); Circle transfers carry no memo (the note stays ours);
 * Monay's rail takes the note as it is. An empty note sends no memo.
 */
export function memoFor(provider: ProviderName, note: string | null): string | undefined {
  if (!note) return undefined;
  switch (provider) {
    case 'tempo':
      return truncateUtf8(note, TEMPO_MEMO_MAX_BYTES) || undefined;
    case 'monay':
      return note;
    default:
      return undefined;
  }
}

/**
 * Money out on chain to an external 0x address: a withdrawal with `transferOut` as its call. Held on the
 * wallet first (amount + the highest fee a candidate may charge), posted for amount + the actual fee when
 * the provider completes, voided if it fails.
 */
@Injectable()
export class ExternalTransferPolicy extends OutboundMovementPolicy {
  readonly kind = 'external_transfer' as const;
  readonly operation = 'transferOut' as const;
  protected readonly ledgerKind = 'external_transfer';

  async call(provider: StablecoinProvider, movement: Movement): Promise<ProviderTransaction> {
    const amount = Money.of(movement.amount, movement.currency);
    assertFeeCovered(provider, 'transferOut', amount, movement.feeHeld);
    const memo = memoFor(provider.name, noteOf(movement));
    return provider.transferOut({
      idempotencyKey: movement.id,
      amount,
      to: movement.destination ?? '',
      ...(memo !== undefined && { memo }),
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
