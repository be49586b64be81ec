import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Money, type CurrencyCode } from '#monay/kernel';
import type { RoutedOperation } from '#monay/shared';
import type { ProviderCapabilities } from '../domain/stablecoin-provider.port';
import { fromCircleMoney, toCircleMoney, type CircleMoney } from './circle-wire';
import { newEvmAddress } from './evm-address';
import { circleFees } from './sandbox-fee-models';
import type { Lifecycle } from './sandbox-lifecycle';
import { SandboxProvider, type SandboxRequest, type WireAmounts } from './sandbox-provider';
import { SandboxRuntime } from './sandbox-runtime';

/** Our master wallet at Circle. */
export const CIRCLE_MASTER_WALLET_ID = '1000216185';

type CircleEndpoint =
  | { type: 'wallet'; id: string; address?: string }
  | { type: 'blockchain'; address?: string; chain: 'ETH' }
  | { type: 'wire' | 'card'; id?: string };

/** A Circle payment, payout or transfer as its API reports it: decimal-string amounts. */
type CircleObject = {
  id: string;
  type: 'payment' | 'payout' | 'transfer';
  source: CircleEndpoint;
  destination: CircleEndpoint;
  amount: CircleMoney;
  fees: CircleMoney;
  speed?: string;
};

const CIRCLE_TOKENS: readonly CurrencyCode[] = ['USDC', 'EURC'];

/**
 * Circle programmable wallets: USDC and EURC; no swaps, no native batch; transfer out 0.02 network fee,
 * deposits free, withdrawals 1.00 flat; settles in 2–3 s through INITIATED → QUEUED → SENT → CONFIRMED →
 * COMPLETE | FAILED. Its API speaks decimal strings, converted at the edge.
 */
@Injectable()
export class CircleSandbox extends SandboxProvider {
  readonly name = 'circle' as const;
  readonly capabilities: ProviderCapabilities = {
    currencies: {
      deposit: CIRCLE_TOKENS,
      withdraw: CIRCLE_TOKENS,
      transferOut: CIRCLE_TOKENS,
      batchTransfer: [],
      swap: [],
    },
    nativeBatch: false,
    typicalSettlementMs: 2_500,
  };
  protected readonly lifecycle: Lifecycle = {
    settlementMs: [2_000, 3_000],
    pending: [
      { status: 'INITIATED', from: 0 },
      { status: 'QUEUED', from: 0.1 },
      { status: 'SENT', from: 0.4 },
      { status: 'CONFIRMED', from: 0.75 },
    ],
    completed: 'COMPLETE',
    failed: 'FAILED',
  };
  protected readonly fees = circleFees;
  protected readonly callLatencyMs = [80, 150] as const;

  constructor(runtime: SandboxRuntime) {
    super(runtime);
  }

  protected newTransactionId(): string {
    return randomUUID();
  }

  protected newWallet(): { walletId: string; address: string } {
    return { walletId: randomUUID(), address: newEvmAddress() };
  }

  protected newQuoteId(): string {
    return randomUUID();
  }

  protected encode(request: SandboxRequest, id: string, fee: bigint): CircleObject {
    const amount = toCircleMoney(request.amount);
    const fees = toCircleMoney(Money.of(fee, request.amount.code));
    const master: CircleEndpoint = { type: 'wallet', id: CIRCLE_MASTER_WALLET_ID };
    switch (request.operation) {
      case 'deposit':
        return {
          id,
          type: 'payment',
          source:
            request.method === 'crypto'
              ? { type: 'blockchain', chain: 'ETH' }
              : { type: request.method === 'bank' ? 'wire' : 'card' },
          destination: {
            ...master,
            ...(request.walletAddress !== undefined && { address: request.walletAddress }),
          },
          amount,
          fees,
        };
      case 'withdraw':
        return {
          id,
          type: 'payout',
          source: master,
          destination: { type: 'wire', id: request.destination },
          amount,
          fees,
          speed: request.speed,
        };
      case 'transferOut':
        // Circle transfers carry no memo on chain.
        return {
          id,
          type: 'transfer',
          source: master,
          destination: { type: 'blockchain', address: request.leg.to, chain: 'ETH' },
          amount,
          fees,
        };
      case 'batchTransfer':
      case 'swap':
        throw this.refused(`${request.operation} is not supported`);
    }
  }

  protected decode(wire: Record<string, unknown>, currency: CurrencyCode): WireAmounts {
    const object = wire as unknown as CircleObject;
    const amount = fromCircleMoney(object.amount, currency);
    const fee = fromCircleMoney(object.fees, currency);
    if (
      object.type === 'transfer' &&
      object.destination.type === 'blockchain' &&
      object.destination.address !== undefined
    ) {
      return { amount, fee, legs: [{ to: object.destination.address, amount, currency }] };
    }
    return { amount, fee };
  }

  protected failureReasonOf(operation: RoutedOperation): string {
    return operation === 'transferOut' ? 'transfer_failed' : 'payment_failed';
  }
}
