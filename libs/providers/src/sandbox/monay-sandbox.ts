import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { CurrencyCode } from '#monay/kernel';
import type { RoutedOperation } from '#monay/shared';
import type { ProviderCapabilities } from '../domain/stablecoin-provider.port';
import { newEvmAddress } from './evm-address';
import { monayFees } from './sandbox-fee-models';
import type { Lifecycle } from './sandbox-lifecycle';
import { SandboxProvider, type SandboxRequest, type WireAmounts } from './sandbox-provider';
import { SandboxRuntime } from './sandbox-runtime';

/** A Monay rail record: amounts as integer strings of minor units. */
type MonayRecord = {
  reference: string;
  type: 'collection' | 'payout' | 'transfer' | 'conversion';
  currency: CurrencyCode;
  amountMinor: string;
  feeMinor: string;
  method?: string;
  destination?: string;
  speed?: string;
  to?: string;
  memo?: string;
  toCurrency?: CurrencyCode;
  amountOutMinor?: string;
  quoteId?: string;
};

const MONAY_TOKENS: readonly CurrencyCode[] = ['USDC', 'USDT'];
const MINOR = /^(0|[1-9][0-9]*)$/;

function minor(value: string | undefined): bigint {
  if (value === undefined || !MINOR.test(value))
    throw new TypeError(`not a minor-unit amount: ${String(value)}`);
  return BigInt(value);
}

/**
 * Monay's in-house rail, the last resort: USDC and USDT only; 0.50 flat per transaction, USDC↔USDT swaps
 * 0.10 %; no native batch; slower, settling in about 1.5 s (received → processing → settled | failed).
 */
@Injectable()
export class MonaySandbox extends SandboxProvider {
  readonly name = 'monay' as const;
  readonly capabilities: ProviderCapabilities = {
    currencies: {
      deposit: MONAY_TOKENS,
      withdraw: MONAY_TOKENS,
      transferOut: MONAY_TOKENS,
      batchTransfer: [],
      swap: MONAY_TOKENS,
    },
    nativeBatch: false,
    typicalSettlementMs: 1_500,
  };
  protected readonly lifecycle: Lifecycle = {
    settlementMs: [1_300, 1_700],
    pending: [
      { status: 'received', from: 0 },
      { status: 'processing', from: 0.2 },
    ],
    completed: 'settled',
    failed: 'failed',
  };
  protected readonly fees = monayFees;
  protected readonly callLatencyMs = [100, 200] as const;

  constructor(runtime: SandboxRuntime) {
    super(runtime);
  }

  protected newTransactionId(): string {
    return `MNY-${randomBytes(10).toString('hex').toUpperCase()}`;
  }

  protected newWallet(): { walletId: string; address: string } {
    return { walletId: `mw_${randomBytes(12).toString('hex')}`, address: newEvmAddress() };
  }

  protected newQuoteId(): string {
    return `mq_${randomBytes(12).toString('hex')}`;
  }

  protected encode(request: SandboxRequest, reference: string, fee: bigint): MonayRecord {
    const base = {
      reference,
      currency: request.amount.code,
      amountMinor: request.amount.minor.toString(),
      feeMinor: fee.toString(),
    };
    switch (request.operation) {
      case 'deposit':
        return { ...base, type: 'collection', method: request.method };
      case 'withdraw':
        return { ...base, type: 'payout', destination: request.destination, speed: request.speed };
      case 'transferOut':
        return {
          ...base,
          type: 'transfer',
          to: request.leg.to,
          ...(request.leg.memo !== undefined && { memo: request.leg.memo }),
        };
      case 'swap':
        return {
          ...base,
          type: 'conversion',
          toCurrency: request.quote.to,
          amountOutMinor: request.quote.amountOut.toString(),
          quoteId: request.quote.providerQuoteId,
        };
      case 'batchTransfer':
        throw this.refused('no native batch transfers');
    }
  }

  protected decode(wire: Record<string, unknown>, currency: CurrencyCode): WireAmounts {
    const record = wire as unknown as MonayRecord;
    const amount = minor(record.amountMinor);
    const fee = minor(record.feeMinor);
    if (record.type === 'transfer' && record.to !== undefined) {
      return {
        amount,
        fee,
        legs: [{ to: record.to, amount, currency, ...(record.memo !== undefined && { memo: record.memo }) }],
      };
    }
    if (record.type === 'conversion' && record.toCurrency !== undefined) {
      return { amount, fee, swapOut: { currency: record.toCurrency, amount: minor(record.amountOutMinor) } };
    }
    return { amount, fee };
  }

  protected failureReasonOf(operation: RoutedOperation): string {
    return `${operation} rejected by the Monay rail`;
  }
}
