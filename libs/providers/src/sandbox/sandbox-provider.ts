import { Logger } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { Money, ReferencePrices, type CurrencyCode } from '#monay/kernel';
import type { ProviderName, RoutedOperation } from '#monay/shared';
import {
  ProviderRefusedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '../domain/providers.errors';
import type {
  ProviderCapabilities,
  ProviderEstimate,
  ProviderHealthReport,
  ProviderLeg,
  ProviderSwapQuote,
  ProviderTransaction,
  StablecoinProvider,
  Urgency,
} from '../domain/stablecoin-provider.port';
import { deliveredAmount, exchangeRate, type FeeModel } from './sandbox-fee-models';
import { stateAt, terminalStage, type Lifecycle } from './sandbox-lifecycle';
import type { SandboxRuntime } from './sandbox-runtime';
import type { SandboxSettings } from './sandbox-settings';
import type { NewSandboxTransaction, SandboxTransactionRow } from './sandbox.repository';
import { isEvmAddress } from './evm-address';

/** One transfer of a batch (or the only one of a transfer out). */
export interface SandboxLeg {
  to: string;
  amount: Money;
  memo?: string;
}

/** A request as the sandbox's vendor API receives it, before the adapter encodes it in the vendor's format. */
export type SandboxRequest =
  | { operation: 'deposit'; amount: Money; method: 'bank' | 'card' | 'crypto'; walletAddress?: string }
  | { operation: 'withdraw'; amount: Money; destination: string; speed: Urgency }
  | { operation: 'transferOut'; amount: Money; leg: SandboxLeg }
  | { operation: 'batchTransfer'; amount: Money; legs: SandboxLeg[] }
  | { operation: 'swap'; amount: Money; quote: ProviderSwapQuote };

/** What an adapter reads back from a transaction in its vendor's wire format (minor units). */
export interface WireAmounts {
  amount: bigint;
  fee: bigint;
  legs?: ProviderLeg[];
  swapOut?: { currency: CurrencyCode; amount: bigint };
}

/** At most this many transfers in one batch. */
export const MAX_BATCH_LEGS = 1_000;

type CallKind = 'mutating' | 'read' | 'health';

/**
 * What the three sandbox adapters share: the vendor's side (transactions kept in the database, found again
 * by our idempotency key, settled as time passes, balances from completed transactions, signed webhooks)
 * and the modes (healthy, degraded, outage, timeout). Each adapter adds its vendor: currencies, fee model,
 * latency, status lifecycle and wire format.
 */
export abstract class SandboxProvider implements StablecoinProvider {
  abstract readonly name: ProviderName;
  abstract readonly capabilities: ProviderCapabilities;
  protected abstract readonly lifecycle: Lifecycle;
  protected abstract readonly fees: FeeModel;
  /** One API round trip in ms, before the latency scale. */
  protected abstract readonly callLatencyMs: readonly [number, number];
  protected readonly logger = new Logger('Sandbox');
  private readonly prices: ReferencePrices;

  constructor(protected readonly runtime: SandboxRuntime) {
    this.prices = new ReferencePrices(runtime.config.referencePrices);
  }

  /** The vendor's id for a new transaction (a Tempo tx hash, a Circle transfer id, …). */
  protected abstract newTransactionId(): string;
  protected abstract newWallet(): { walletId: string; address: string };
  protected abstract newQuoteId(): string;
  /** The transaction in the vendor's wire format. */
  protected abstract encode(request: SandboxRequest, id: string, fee: bigint): Record<string, unknown>;
  /** Amounts back from the vendor's wire format, converted at the edge. */
  protected abstract decode(wire: Record<string, unknown>, currency: CurrencyCode): WireAmounts;
  /** Why the vendor reports a transaction it accepted as failed. */
  protected abstract failureReasonOf(operation: RoutedOperation): string;

  /** Vendor rules on a memo (Tempo: one bytes32). Default: any memo. */
  protected checkMemo(memo: string | undefined): void {
    void memo;
  }

  estimate(operation: RoutedOperation, amount: Money, legs = 1): ProviderEstimate {
    this.assertSupports(operation, amount.code);
    return {
      fee: this.fees(operation, amount, legs),
      settlementMs: this.capabilities.typicalSettlementMs,
    };
  }

  async createWallet(input: {
    idempotencyKey: string;
    userId: string;
  }): Promise<{ walletId: string; address: string }> {
    return this.call('mutating', async () => {
      const fresh = this.newWallet();
      const { wallet } = await this.runtime.repository.insertWallet(randomUUID(), {
        provider: this.name,
        idempotencyKey: input.idempotencyKey,
        userRef: input.userId,
        ...fresh,
      });
      if (wallet.userRef !== input.userId) throw this.refused('idempotency key reused');
      return { walletId: wallet.walletId, address: wallet.address };
    });
  }

  async deposit(input: {
    idempotencyKey: string;
    amount: Money;
    method: 'bank' | 'card' | 'crypto';
    walletAddress?: string;
  }): Promise<ProviderTransaction> {
    this.assertSupports('deposit', input.amount.code);
    this.assertPositive(input.amount);
    if (input.walletAddress !== undefined) this.assertAddress(input.walletAddress);
    return this.submit(input.idempotencyKey, {
      operation: 'deposit',
      amount: input.amount,
      method: input.method,
      ...(input.walletAddress !== undefined && { walletAddress: input.walletAddress }),
    });
  }

  async withdraw(input: {
    idempotencyKey: string;
    amount: Money;
    destination: string;
    speed: Urgency;
  }): Promise<ProviderTransaction> {
    this.assertSupports('withdraw', input.amount.code);
    this.assertPositive(input.amount);
    if (
      typeof input.destination !== 'string' ||
      !input.destination.trim() ||
      input.destination.length > 256
    ) {
      throw this.refused('the destination account reference is missing or too long');
    }
    return this.submit(input.idempotencyKey, {
      operation: 'withdraw',
      amount: input.amount,
      destination: input.destination,
      speed: input.speed,
    });
  }

  async transferOut(input: {
    idempotencyKey: string;
    amount: Money;
    to: string;
    memo?: string;
  }): Promise<ProviderTransaction> {
    this.assertSupports('transferOut', input.amount.code);
    const leg = this.checkLeg(input);
    return this.submit(input.idempotencyKey, { operation: 'transferOut', amount: input.amount, leg });
  }

  async batchTransfer(input: {
    idempotencyKey: string;
    transfers: Array<{ to: string; amount: Money; memo?: string }>;
  }): Promise<ProviderTransaction> {
    if (!this.capabilities.nativeBatch) throw this.refused('no native batch transfers');
    const [first] = input.transfers;
    if (!first) throw this.refused('a batch needs at least one transfer');
    if (input.transfers.length > MAX_BATCH_LEGS) {
      throw this.refused(`a batch has at most ${MAX_BATCH_LEGS} transfers`);
    }
    this.assertSupports('batchTransfer', first.amount.code);
    if (input.transfers.some((transfer) => transfer.amount.code !== first.amount.code)) {
      throw this.refused('every transfer of a batch must be in the same currency');
    }
    const legs = input.transfers.map((transfer) => this.checkLeg(transfer));
    const total = Money.sum(
      legs.map((leg) => leg.amount),
      first.amount.code,
    );
    return this.submit(input.idempotencyKey, { operation: 'batchTransfer', amount: total, legs });
  }

  async quoteSwap(input: {
    from: CurrencyCode;
    to: CurrencyCode;
    amount: Money;
  }): Promise<ProviderSwapQuote> {
    this.assertSwapPair(input.from, input.to);
    if (input.amount.code !== input.from) throw this.refused(`the amount must be in ${input.from}`);
    this.assertPositive(input.amount);
    return this.call('mutating', async () => {
      const fee = this.fees('swap', input.amount, 1);
      const net = input.amount.minus(Money.of(fee, input.from));
      if (!net.isPositive()) throw this.refused('the amount does not cover the swap fee');
      const rate = exchangeRate(this.prices, input.from, input.to);
      const amountOut = deliveredAmount(net, rate, input.to);
      if (amountOut <= 0n) throw this.refused('the amount is too small to deliver anything');
      const quote: ProviderSwapQuote = {
        provider: this.name,
        providerQuoteId: this.newQuoteId(),
        from: input.from,
        to: input.to,
        amountIn: input.amount.minor,
        rate,
        fee,
        amountOut,
        expiresAt: new Date(Date.now() + this.runtime.config.providers.swapQuoteTtlMs),
      };
      await this.runtime.repository.insertQuote({
        id: quote.providerQuoteId,
        provider: this.name,
        fromCurrency: quote.from,
        toCurrency: quote.to,
        amountIn: quote.amountIn,
        rate: quote.rate,
        fee: quote.fee,
        amountOut: quote.amountOut,
        expiresAt: quote.expiresAt,
        executedKey: null,
      });
      return quote;
    });
  }

  async executeSwap(input: {
    idempotencyKey: string;
    quote: ProviderSwapQuote;
  }): Promise<ProviderTransaction> {
    const { quote } = input;
    if (quote.provider !== this.name) throw this.refused(`the quote is from ${quote.provider}`);
    this.assertSwapPair(quote.from, quote.to);
    return this.submit(input.idempotencyKey, {
      operation: 'swap',
      amount: Money.of(quote.amountIn, quote.from),
      quote,
    });
  }

  getBalances(): Promise<Array<{ currency: CurrencyCode; amount: bigint }>> {
    return this.call('read', async () => {
      const settled = await this.runtime.repository.settleDue(this.name, new Date(), {
        stage: terminalStage(this.lifecycle),
        completed: this.lifecycle.completed,
        failed: this.lifecycle.failed,
      });
      await this.notify(settled);
      const totals = await this.runtime.repository.balances(this.name);
      const currencies = new Set<CurrencyCode>([
        ...Object.values(this.capabilities.currencies).flat(),
        ...totals.map((total) => total.currency),
      ]);
      return [...currencies].map((currency) => ({
        currency,
        amount: totals.find((total) => total.currency === currency)?.amount ?? 0n,
      }));
    });
  }

  getTransactionStatus(idempotencyKey: string): Promise<ProviderTransaction | null> {
    return this.call('read', async () => {
      const row = await this.runtime.repository.findTransaction(this.name, idempotencyKey);
      return row ? this.refresh(row) : null;
    });
  }

  health(): Promise<ProviderHealthReport> {
    const started = Date.now();
    return this.call('health', async (settings) => ({
      ok: true,
      latencyMs: Date.now() - started,
      ...(settings.mode === 'degraded' && { detail: 'degraded: slower, some requests refused' }),
    }));
  }

  /** The transaction as it stands now: progressed by the clock, written back, webhook sent when settled. */
  protected async refresh(row: SandboxTransactionRow): Promise<ProviderTransaction> {
    const state = stateAt(this.lifecycle, row, new Date());
    let current = row;
    if (state.stage > row.stage) ({ row: current } = await this.runtime.repository.advance(row, state));
    await this.notify([current]);
    return this.toTransaction(current);
  }

  protected toTransaction(row: SandboxTransactionRow): ProviderTransaction {
    const wire = this.decode(row.wire, row.currency);
    return {
      provider: this.name,
      providerTransactionId: row.providerTransactionId,
      idempotencyKey: row.idempotencyKey,
      operation: row.operation,
      status: row.status,
      providerStatus: row.providerStatus,
      currency: row.currency,
      amount: wire.amount,
      fee: wire.fee,
      ...(wire.swapOut && { swapOut: wire.swapOut }),
      ...(wire.legs && { legs: wire.legs }),
      ...(row.status === 'failed' && row.failureReason !== null && { failureReason: row.failureReason }),
      createdAt: row.createdAt,
      ...(row.settledAt && { settledAt: row.settledAt }),
    };
  }

  protected refused(reason: string): ProviderRefusedError {
    return new ProviderRefusedError(this.name, reason);
  }

  /**
   * One call to the vendor in the provider's current mode. Outage fails fast. Timeout: a mutating call is
   * still handled (recorded, it will complete) but the answer never comes; reads answer; health times out.
   * Timeout with `late`: the mutating call is handled only `lateByMs` after the caller's timeout (the request
   * was stuck on its way: a status query right after the timeout finds nothing, and then it is paid all the
   * same). Otherwise the call takes its latency (plus any added latency) and, if mutating, may be refused
   * before acceptance at the configured failure rate.
   */
  private async call<T>(kind: CallKind, work: (settings: SandboxSettings) => Promise<T>): Promise<T> {
    const started = Date.now();
    const settings = await this.runtime.control.settingsOf(this.name);
    if (settings.mode === 'outage') {
      throw new ProviderUnavailableError(this.name, 'outage: connection refused');
    }
    if (settings.mode === 'timeout' && kind !== 'read') {
      const timeoutMs = this.runtime.config.providers.callTimeoutMs;
      if (kind === 'mutating' && settings.late) {
        const lateBy = settings.lateByMs ?? Math.round(timeoutMs / 2);
        this.runtime.later(started + timeoutMs + lateBy - Date.now(), `${this.name} late write`, () =>
          this.handle(kind, settings, work),
        );
      } else if (kind === 'mutating') {
        await this.handle(kind, settings, work).catch(() => undefined);
      }
      await this.runtime.sleep(started + timeoutMs - Date.now());
      throw new ProviderTimeoutError(this.name, timeoutMs);
    }
    return this.handle(kind, settings, work);
  }

  private async handle<T>(
    kind: CallKind,
    settings: SandboxSettings,
    work: (settings: SandboxSettings) => Promise<T>,
  ): Promise<T> {
    const latency = this.runtime.random.between(...this.callLatencyMs) + settings.addedLatencyMs;
    await this.runtime.sleep(this.runtime.scaled(latency));
    if (kind === 'mutating' && this.runtime.random.chance(settings.failureRate)) {
      throw new ProviderUnavailableError(this.name, `${settings.mode}: 503 Service Unavailable`);
    }
    return work(settings);
  }

  /** Accepts a money movement once per idempotency key; a repeated key answers the transaction it made. */
  private async submit(idempotencyKey: string, request: SandboxRequest): Promise<ProviderTransaction> {
    if (typeof idempotencyKey !== 'string' || idempotencyKey.length === 0 || idempotencyKey.length > 255) {
      throw this.refused('an idempotency key of 1 to 255 characters is required');
    }
    const requestHash = fingerprint(request);
    return this.call('mutating', async (settings) => {
      const repository = this.runtime.repository;
      const existing = await repository.findTransaction(this.name, idempotencyKey);
      if (existing) return this.replay(existing, requestHash);
      const { fee, swapOut } =
        request.operation === 'swap'
          ? await this.claimQuote(idempotencyKey, request.quote)
          : { fee: this.fees(request.operation, request.amount, legCount(request)), swapOut: undefined };
      if (request.operation === 'deposit' && fee >= request.amount.minor) {
        throw this.refused('the amount does not cover the fee');
      }
      const now = new Date();
      const settlementMs = this.runtime.scaled(this.runtime.random.between(...this.lifecycle.settlementMs));
      const outcome = this.runtime.random.chance(settings.failAfterAcceptRate) ? 'failed' : 'completed';
      const providerTransactionId = this.newTransactionId();
      const draft: NewSandboxTransaction = {
        id: randomUUID(),
        provider: this.name,
        idempotencyKey,
        providerTransactionId,
        operation: request.operation,
        requestHash,
        currency: request.amount.code,
        amount: request.amount.minor,
        fee,
        swapOutCurrency: swapOut?.currency ?? null,
        swapOutAmount: swapOut?.amount ?? null,
        wire: this.encode(request, providerTransactionId, fee),
        outcome,
        failureReason: outcome === 'failed' ? this.failureReasonOf(request.operation) : null,
        stage: 0,
        status: 'pending',
        providerStatus: this.lifecycle.pending[0].status,
        createdAt: now,
        settlesAt: new Date(now.getTime() + Math.round(settlementMs)),
        webhookId: randomUUID(),
      };
      const { row, inserted } = await repository.insertTransaction(draft);
      if (!inserted) return this.replay(row, requestHash);
      this.runtime.webhooks.scheduleCheck(row.settlesAt, () => this.settleLater(row));
      return this.toTransaction(row);
    });
  }

  private replay(row: SandboxTransactionRow, requestHash: string): Promise<ProviderTransaction> {
    if (row.requestHash !== requestHash) throw this.refused('idempotency key reused');
    return this.refresh(row);
  }

  private async settleLater(row: SandboxTransactionRow): Promise<void> {
    const current = await this.runtime.repository.findTransaction(this.name, row.idempotencyKey);
    if (current) await this.refresh(current);
  }

  private async notify(rows: SandboxTransactionRow[]): Promise<void> {
    await this.runtime.webhooks
      .notify(rows)
      .catch((error: unknown) => this.logger.warn(`${this.name} webhook not queued: ${String(error)}`));
  }

  /** The stored quote, checked and marked executed by this key; its fee and delivery. */
  private async claimQuote(
    idempotencyKey: string,
    quote: ProviderSwapQuote,
  ): Promise<{ fee: bigint; swapOut: { currency: CurrencyCode; amount: bigint } }> {
    const stored = await this.runtime.repository.findQuote(this.name, quote.providerQuoteId);
    if (!stored) throw this.refused('unknown quote');
    const matches =
      stored.fromCurrency === quote.from &&
      stored.toCurrency === quote.to &&
      stored.amountIn === quote.amountIn &&
      stored.amountOut === quote.amountOut &&
      stored.fee === quote.fee &&
      stored.rate === quote.rate;
    if (!matches) throw this.refused('the quote does not match the one issued');
    if (stored.expiresAt.getTime() <= Date.now()) throw this.refused('quote expired');
    if (!(await this.runtime.repository.claimQuote(this.name, stored.id, idempotencyKey))) {
      throw this.refused('quote already executed');
    }
    return { fee: stored.fee, swapOut: { currency: stored.toCurrency, amount: stored.amountOut } };
  }

  private checkLeg(transfer: { to: string; amount: Money; memo?: string }): SandboxLeg {
    this.assertPositive(transfer.amount);
    this.assertAddress(transfer.to);
    if (transfer.memo !== undefined) {
      if (typeof transfer.memo !== 'string') throw this.refused('a memo must be text');
      this.checkMemo(transfer.memo);
    }
    return {
      to: transfer.to,
      amount: transfer.amount,
      ...(transfer.memo !== undefined && { memo: transfer.memo }),
    };
  }

  private assertSupports(operation: RoutedOperation, currency: CurrencyCode): void {
    const supported = this.capabilities.currencies[operation];
    if (supported.length === 0) throw this.refused(`${operation} is not supported`);
    if (!supported.includes(currency)) throw this.refused(`${currency} is not supported for ${operation}`);
  }

  private assertSwapPair(from: CurrencyCode, to: CurrencyCode): void {
    this.assertSupports('swap', from);
    this.assertSupports('swap', to);
    if (from === to) throw this.refused('a swap needs two different currencies');
  }

  private assertPositive(amount: Money): void {
    if (!amount.isPositive()) throw this.refused('the amount must be greater than zero');
  }

  private assertAddress(address: string): void {
    if (typeof address !== 'string' || !isEvmAddress(address)) {
      throw this.refused('the destination is not an address (0x and 40 hex digits)');
    }
  }
}

function legCount(request: SandboxRequest): number {
  return request.operation === 'batchTransfer' ? request.legs.length : 1;
}

/** What makes two requests with one idempotency key the same request. */
function fingerprint(request: SandboxRequest): string {
  const leg = (l: SandboxLeg) => [
    l.to.toLowerCase(),
    l.amount.code,
    l.amount.minor.toString(),
    l.memo ?? null,
  ];
  const parts: unknown[] = [request.operation, request.amount.code, request.amount.minor.toString()];
  switch (request.operation) {
    case 'deposit':
      parts.push(request.method, request.walletAddress?.toLowerCase() ?? null);
      break;
    case 'withdraw':
      parts.push(request.destination, request.speed);
      break;
    case 'transferOut':
      parts.push(leg(request.leg));
      break;
    case 'batchTransfer':
      parts.push(request.legs.map(leg));
      break;
    case 'swap':
      parts.push(request.quote.providerQuoteId, request.quote.to, request.quote.amountOut.toString());
      break;
  }
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
