import { Injectable } from '@nestjs/common';
import { isAddress } from 'viem';
import { Money, STABLECOINS, type CurrencyCode } from '#monay/kernel';
import type { RoutedOperation } from '#monay/shared';
import { ProviderRefusedError, ProviderUnavailableError } from '../domain/providers.errors';
import type {
  ProviderCapabilities,
  ProviderEstimate,
  ProviderHealthReport,
  ProviderSwapQuote,
  ProviderTransaction,
  StablecoinProvider,
} from '../domain/stablecoin-provider.port';
import { tempoFees } from '../sandbox/sandbox-fee-models';
import { memoOf, TempoChain } from './tempo-chain';
import {
  TempoChainRepository,
  type ChainDepositRow,
  type ChainTransactionRow,
} from './tempo-chain.repository';

/**
 * Tempo on an actual EVM chain (on-chain mode, TEMPO_RPC_URL): the same port as the sandbox, so the router, the
 * movement engine and reconciliation run unchanged.
 *
 * - withdraw: `transferWithMemo` to the off-ramp partner's address; transferOut: `transferWithMemo` to the
 *   address; the memo is the movement id ({@link memoOf}) either way.
 * - batchTransfer: one `BatchPayer.pay` transaction for every leg (one fee).
 * - deposits are not requested here: money comes in by a transfer to the user's deposit address, which the
 *   deposit watcher credits ({@link TempoDepositWatcher}); a bank or card deposit routes to another provider.
 * - swaps are declared unsupported (no currency), so the router sends them to Circle: the dev chain has no
 *   exchange with real liquidity, and a pool of our own would only move money between our own wallets.
 * - a movement's transaction is stored (nonce, hash, signed bytes) before it is broadcast; asked again with the
 *   same key — a retry, a re-submission after a timeout, the poller — the adapter answers for THAT transaction,
 *   re-sending its own bytes if the node lost it, and never signs another one under a new nonce.
 *
 * Fees: the dev chain charges gas in its native coin, which the hot wallet holds apart from the stablecoins, so
 * the stablecoin fee of a transaction is 0 (what it cost in gas is logged). Routing and holds still use
 * Tempo's published fee model, as an upper bound.
 */
@Injectable()
export class TempoChainProvider implements StablecoinProvider {
  readonly name = 'tempo' as const;
  readonly capabilities: ProviderCapabilities = {
    currencies: {
      deposit: [],
      withdraw: STABLECOINS,
      transferOut: STABLECOINS,
      batchTransfer: STABLECOINS,
      swap: [],
    },
    nativeBatch: true,
    typicalSettlementMs: 1_000,
  };

  constructor(
    readonly chain: TempoChain,
    private readonly repository: TempoChainRepository,
  ) {}

  estimate(operation: RoutedOperation, amount: Money, legs = 1): ProviderEstimate {
    return { fee: tempoFees(operation, amount, legs), settlementMs: this.capabilities.typicalSettlementMs };
  }

  /** The user's deposit address on chain, derived from the configured seed (one per user, stable). */
  async createWallet(input: {
    idempotencyKey: string;
    userId: string;
  }): Promise<{ walletId: string; address: string }> {
    const index = await this.repository.depositIndex(
      input.userId,
      (i) => this.chain.depositAddress(i),
      new Date(),
    );
    const address = this.chain.depositAddress(index).toLowerCase();
    return { walletId: address, address };
  }

  deposit(): Promise<ProviderTransaction> {
    return Promise.reject(
      new ProviderRefusedError('tempo', 'on chain, money comes in by a transfer to the deposit address'),
    );
  }

  withdraw(input: {
    idempotencyKey: string;
    amount: Money;
    destination: string;
  }): Promise<ProviderTransaction> {
    return this.transfer('withdraw', input.idempotencyKey, input.amount, this.chain.settings.offRampAddress);
  }

  transferOut(input: {
    idempotencyKey: string;
    amount: Money;
    to: string;
    memo?: string;
  }): Promise<ProviderTransaction> {
    if (!isAddress(input.to)) return Promise.reject(new ProviderRefusedError('tempo', 'not an EVM address'));
    return this.transfer('transferOut', input.idempotencyKey, input.amount, input.to, input.memo);
  }

  private async transfer(
    operation: 'withdraw' | 'transferOut',
    idempotencyKey: string,
    amount: Money,
    to: `0x${string}`,
    note?: string,
  ): Promise<ProviderTransaction> {
    const currency = amount.currency.code;
    const memo = memoOf(idempotencyKey);
    const row = await this.chain.send({
      idempotencyKey,
      operation,
      currency,
      amount: amount.minor,
      legs: [{ to, amount: amount.minor, currency, ...(note !== undefined && { memo: note }) }],
      memo,
      to: this.chain.tokenOf(currency),
      data: this.chain.transferWithMemoData(to, amount.minor, memo),
    });
    this.assertSameRequest(row, operation, currency, amount.minor, [to]);
    return this.statusOf(row);
  }

  async batchTransfer(input: {
    idempotencyKey: string;
    transfers: Array<{ to: string; amount: Money; memo?: string }>;
  }): Promise<ProviderTransaction> {
    const [first] = input.transfers;
    if (!first) throw new ProviderRefusedError('tempo', 'a batch needs at least one transfer');
    const currency = first.amount.currency.code;
    if (input.transfers.some((leg) => leg.amount.currency.code !== currency)) {
      throw new ProviderRefusedError('tempo', 'one batch transaction pays one token');
    }
    if (input.transfers.some((leg) => !isAddress(leg.to))) {
      throw new ProviderRefusedError('tempo', 'every leg needs an EVM address');
    }
    const legs = input.transfers.map((leg) => ({ to: leg.to as `0x${string}`, amount: leg.amount.minor }));
    const amount = legs.reduce((sum, leg) => sum + leg.amount, 0n);
    const memo = memoOf(input.idempotencyKey);
    const row = await this.chain.send({
      idempotencyKey: input.idempotencyKey,
      operation: 'batchTransfer',
      currency,
      amount,
      legs: input.transfers.map((leg) => ({
        to: leg.to,
        amount: leg.amount.minor,
        currency,
        ...(leg.memo !== undefined && { memo: leg.memo }),
      })),
      memo,
      to: this.chain.contracts.batchPayer as `0x${string}`,
      data: this.chain.batchData(this.chain.tokenOf(currency), legs, memo),
    });
    this.assertSameRequest(
      row,
      'batchTransfer',
      currency,
      amount,
      legs.map((leg) => leg.to),
    );
    return this.statusOf(row);
  }

  quoteSwap(): Promise<ProviderSwapQuote> {
    return Promise.reject(new ProviderRefusedError('tempo', 'swaps are not supported in on-chain mode'));
  }

  executeSwap(): Promise<ProviderTransaction> {
    return Promise.reject(new ProviderRefusedError('tempo', 'swaps are not supported in on-chain mode'));
  }

  /**
   * Our omnibus balance on chain per token: the hot wallet's `balanceOf` plus every deposit address's (money
   * deposited stays at the user's deposit address; both are ours).
   */
  async getBalances(): Promise<Array<{ currency: CurrencyCode; amount: bigint }>> {
    const holders = [
      this.chain.hotWallet.address,
      ...(await this.repository.allDepositAddresses()),
    ] as Array<`0x${string}`>;
    try {
      const result: Array<{ currency: CurrencyCode; amount: bigint }> = [];
      for (const currency of STABLECOINS) {
        let total = 0n;
        for (let i = 0; i < holders.length; i += 16) {
          const amounts = await Promise.all(
            holders.slice(i, i + 16).map((holder) => this.chain.balanceOf(currency, holder)),
          );
          total += amounts.reduce((sum, amount) => sum + amount, 0n);
        }
        result.push({ currency, amount: total });
      }
      return result;
    } catch (error) {
      throw new ProviderUnavailableError('tempo', `balances unreadable: ${String(error).slice(0, 200)}`);
    }
  }

  /**
   * The transaction we signed for this key (re-sent as the same bytes if the node does not know it), or the
   * deposit the watcher credited under this movement id, or null: we never signed anything for it.
   */
  async getTransactionStatus(idempotencyKey: string): Promise<ProviderTransaction | null> {
    const row = await this.repository.findTransaction(idempotencyKey);
    if (row) return this.statusOf(row);
    const deposit = await this.repository.depositByMovement(idempotencyKey);
    return deposit ? depositTransaction(deposit) : null;
  }

  async health(): Promise<ProviderHealthReport> {
    const started = performance.now();
    try {
      await this.chain.assertChain();
      const block = await this.chain.client.getBlockNumber();
      return { ok: true, latencyMs: Math.round(performance.now() - started), detail: `block ${block}` };
    } catch (error) {
      return {
        ok: false,
        latencyMs: Math.round(performance.now() - started),
        detail: String(error).slice(0, 200),
      };
    }
  }

  /** A stored transaction as the port reports it, asking the node where it stands (and re-sending it if lost). */
  private async statusOf(row: ChainTransactionRow): Promise<ProviderTransaction> {
    if (row.status !== 'pending')
      return transactionOf(row, row.status === 'completed' ? 'finalized' : 'reverted');
    const observation = await this.chain.observe(row);
    if (
      observation.state === 'mined' &&
      observation.confirmations >= BigInt(this.chain.settings.confirmations)
    ) {
      const status = observation.status === 'success' ? 'completed' : 'failed';
      const settledAt = new Date();
      await this.repository.settleTransaction(row.idempotencyKey, status, observation.blockNumber, settledAt);
      return transactionOf(
        { ...row, status, blockNumber: observation.blockNumber, settledAt },
        status === 'completed' ? 'finalized' : 'reverted',
      );
    }
    await this.chain.ensureBroadcast(row, observation);
    return transactionOf(row, observation.state === 'mined' ? 'mined' : 'submitted');
  }

  private assertSameRequest(
    row: ChainTransactionRow,
    operation: RoutedOperation,
    currency: CurrencyCode,
    amount: bigint,
    recipients: string[],
  ): void {
    const same =
      row.operation === operation &&
      row.currency === currency &&
      row.amount === amount &&
      row.legs.length === recipients.length &&
      row.legs.every((leg, i) => leg.to.toLowerCase() === recipients[i]!.toLowerCase());
    if (!same) {
      throw new ProviderRefusedError('tempo', 'this idempotency key was used for another transaction');
    }
  }
}

function transactionOf(row: ChainTransactionRow, providerStatus: string): ProviderTransaction {
  return {
    provider: 'tempo',
    providerTransactionId: row.txHash,
    idempotencyKey: row.idempotencyKey,
    operation: row.operation,
    status: row.status,
    providerStatus,
    currency: row.currency,
    amount: row.amount,
    fee: 0n,
    ...(row.operation === 'batchTransfer' && { legs: row.legs }),
    ...(row.status === 'failed' && { failureReason: 'execution reverted' }),
    createdAt: row.createdAt,
    ...(row.settledAt && { settledAt: row.settledAt }),
  };
}

/** A credited deposit as the port reports it (the poller may ask for a deposit movement by its id). */
export function depositTransaction(deposit: ChainDepositRow): ProviderTransaction {
  return {
    provider: 'tempo',
    providerTransactionId: `${deposit.txHash}:${deposit.logIndex}`,
    idempotencyKey: deposit.movementId,
    operation: 'deposit',
    status: 'completed',
    providerStatus: 'finalized',
    currency: deposit.currency,
    amount: deposit.amount,
    fee: 0n,
    createdAt: deposit.createdAt,
    settledAt: deposit.createdAt,
  };
}
