import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Money, STABLECOINS, type CurrencyCode } from '#monay/kernel';
import type { RoutedOperation } from '#monay/shared';
import type { ProviderCapabilities, ProviderLeg } from '../domain/stablecoin-provider.port';
import { newEvmAddress } from './evm-address';
import { tempoFees } from './sandbox-fee-models';
import type { Lifecycle } from './sandbox-lifecycle';
import { SandboxProvider, type SandboxLeg, type SandboxRequest, type WireAmounts } from './sandbox-provider';
import { SandboxRuntime } from './sandbox-runtime';
import {
  decodeMemo,
  encodeMemo,
  fromBaseUnits,
  newTxHash,
  TEMPO_MEMO_MAX_BYTES,
  toBaseUnits,
} from './tempo-wire';

/** Our omnibus account on Tempo. */
export const TEMPO_OMNIBUS_ADDRESS = '0x7e3f00000000000000000000000000000000a11c';

/** One call of a Tempo transaction: a TIP-20 `transferWithMemo`. */
interface TempoCall {
  to: string;
  value: string;
  memo: string | null;
}

/** A Tempo transaction as its RPC reports it: amounts in TIP-20 base units, one fee for the whole transaction. */
type TempoTransaction =
  | {
      hash: string;
      kind: 'onramp';
      token: CurrencyCode;
      method: string;
      to: string;
      value: string;
      fee: string;
    }
  | {
      hash: string;
      kind: 'offramp';
      token: CurrencyCode;
      from: string;
      destination: string;
      speed: string;
      value: string;
      fee: string;
    }
  | {
      hash: string;
      kind: 'transfer' | 'batch';
      token: CurrencyCode;
      from: string;
      calls: TempoCall[];
      fee: string;
    }
  | {
      hash: string;
      kind: 'swap';
      tokenIn: CurrencyCode;
      tokenOut: CurrencyCode;
      amountIn: string;
      amountOut: string;
      fee: string;
      quoteId: string;
    };

/**
 * Tempo, the payments chain: every stablecoin for every operation, batches as one transaction with one fee,
 * 0.0001 per on-chain transaction, memos, settlement in 30–90 ms (submitted → finalized | reverted).
 */
@Injectable()
export class TempoSandbox extends SandboxProvider {
  readonly name = 'tempo' as const;
  readonly capabilities: ProviderCapabilities = {
    currencies: {
      deposit: STABLECOINS,
      withdraw: STABLECOINS,
      transferOut: STABLECOINS,
      batchTransfer: STABLECOINS,
      swap: STABLECOINS,
    },
    nativeBatch: true,
    typicalSettlementMs: 60,
  };
  protected readonly lifecycle: Lifecycle = {
    settlementMs: [30, 90],
    pending: [{ status: 'submitted', from: 0 }],
    completed: 'finalized',
    failed: 'reverted',
  };
  protected readonly fees = tempoFees;
  protected readonly callLatencyMs = [20, 40] as const;

  constructor(runtime: SandboxRuntime) {
    super(runtime);
  }

  protected newTransactionId(): string {
    return newTxHash();
  }

  /** A Tempo account is its address. */
  protected newWallet(): { walletId: string; address: string } {
    const address = newEvmAddress();
    return { walletId: address, address };
  }

  protected newQuoteId(): string {
    return `0x${randomBytes(16).toString('hex')}`;
  }

  protected override checkMemo(memo: string | undefined): void {
    if (memo !== undefined && encodeMemo(memo) === null) {
      throw this.refused(`a memo is at most ${TEMPO_MEMO_MAX_BYTES} bytes (one bytes32)`);
    }
  }

  protected encode(request: SandboxRequest, hash: string, fee: bigint): TempoTransaction {
    const token = request.amount.code;
    const feeUnits = toBaseUnits(Money.of(fee, token));
    const call = (leg: SandboxLeg): TempoCall => ({
      to: leg.to,
      value: toBaseUnits(leg.amount),
      memo: leg.memo === undefined ? null : encodeMemo(leg.memo),
    });
    switch (request.operation) {
      case 'deposit':
        return {
          hash,
          kind: 'onramp',
          token,
          method: request.method,
          to: request.walletAddress ?? TEMPO_OMNIBUS_ADDRESS,
          value: toBaseUnits(request.amount),
          fee: feeUnits,
        };
      case 'withdraw':
        return {
          hash,
          kind: 'offramp',
          token,
          from: TEMPO_OMNIBUS_ADDRESS,
          destination: request.destination,
          speed: request.speed,
          value: toBaseUnits(request.amount),
          fee: feeUnits,
        };
      case 'transferOut':
        return {
          hash,
          kind: 'transfer',
          token,
          from: TEMPO_OMNIBUS_ADDRESS,
          calls: [call(request.leg)],
          fee: feeUnits,
        };
      case 'batchTransfer':
        return {
          hash,
          kind: 'batch',
          token,
          from: TEMPO_OMNIBUS_ADDRESS,
          calls: request.legs.map(call),
          fee: feeUnits,
        };
      case 'swap':
        return {
          hash,
          kind: 'swap',
          tokenIn: request.quote.from,
          tokenOut: request.quote.to,
          amountIn: toBaseUnits(request.amount),
          amountOut: toBaseUnits(Money.of(request.quote.amountOut, request.quote.to)),
          fee: feeUnits,
          quoteId: request.quote.providerQuoteId,
        };
    }
  }

  protected decode(wire: Record<string, unknown>): WireAmounts {
    const tx = wire as unknown as TempoTransaction;
    switch (tx.kind) {
      case 'onramp':
      case 'offramp':
        return { amount: fromBaseUnits(tx.value, tx.token), fee: fromBaseUnits(tx.fee, tx.token) };
      case 'transfer':
      case 'batch': {
        const legs: ProviderLeg[] = tx.calls.map((call) => ({
          to: call.to,
          amount: fromBaseUnits(call.value, tx.token),
          currency: tx.token,
          ...(call.memo !== null && { memo: decodeMemo(call.memo) }),
        }));
        return {
          amount: legs.reduce((sum, leg) => sum + leg.amount, 0n),
          fee: fromBaseUnits(tx.fee, tx.token),
          legs,
        };
      }
      case 'swap':
        return {
          amount: fromBaseUnits(tx.amountIn, tx.tokenIn),
          fee: fromBaseUnits(tx.fee, tx.tokenIn),
          swapOut: { currency: tx.tokenOut, amount: fromBaseUnits(tx.amountOut, tx.tokenOut) },
        };
    }
  }

  protected failureReasonOf(operation: RoutedOperation): string {
    return operation === 'deposit' || operation === 'withdraw'
      ? 'ramp partner rejected the payment'
      : 'execution reverted';
  }
}
