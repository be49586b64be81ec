import { Injectable, Logger } from '@nestjs/common';
import {
  BaseError,
  createPublicClient,
  encodeFunctionData,
  http,
  keccak256,
  toBytes,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
} from 'viem';
import { mnemonicToAccount, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { STABLECOINS, type CurrencyCode } from '#monay/kernel';
import { AppConfig, type TempoContracts } from '#monay/shared';
import { ProviderRefusedError, ProviderUnavailableError } from '../domain/providers.errors';
import type { ProviderLeg, RoutedOperation } from '../domain/stablecoin-provider.port';
import { batchPayerAbi, tempoTokenAbi } from './contracts/artifacts';
import { TempoChainRepository, type ChainTransactionRow } from './tempo-chain.repository';

export type TempoChainSettings = NonNullable<AppConfig['tempoChain']>;

/** Where a transaction we signed stands on chain. */
export type ChainObservation =
  | {
      state: 'mined';
      status: 'success' | 'reverted';
      blockNumber: bigint;
      confirmations: bigint;
      gasUsed: bigint;
    }
  | { state: 'in_mempool' }
  | { state: 'unknown' };

/** One call to sign: the contract, its calldata, and what it moves (kept with the transaction). */
export interface ChainCall {
  idempotencyKey: string;
  operation: RoutedOperation;
  currency: CurrencyCode;
  amount: bigint;
  legs: ProviderLeg[];
  memo: Hex;
  to: `0x${string}`;
  data: Hex;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The bytes32 memo of a movement: its id (a UUID's 16 bytes, left-aligned, so that a block explorer shows it
 * as the id's hex), or keccak256 of any other key.
 */
export function memoOf(idempotencyKey: string): Hex {
  if (UUID.test(idempotencyKey))
    return `0x${idempotencyKey.replace(/-/g, '').toLowerCase()}${'0'.repeat(32)}`;
  return keccak256(toBytes(idempotencyKey));
}

/** The movement id a memo carries, when it carries one ({@link memoOf} of a UUID). */
export function movementIdOfMemo(memo: Hex): string | null {
  const hex = memo.slice(2).toLowerCase();
  if (hex.length !== 64 || !hex.endsWith('0'.repeat(32))) return null;
  const id = hex.slice(0, 32);
  return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
}

/** Whether a viem error means the node could not be reached (nothing was said about the request itself). */
export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof BaseError)) {
    const text = String((error as { message?: unknown })?.message ?? error);
    return /ECONNREFUSED|ECONNRESET|fetch failed|socket hang up|timed? ?out/i.test(text);
  }
  let unreachable = false;
  error.walk((inner) => {
    const name = (inner as { name?: string }).name ?? '';
    if (name === 'HttpRequestError' || name === 'TimeoutError' || name === 'SocketClosedError')
      unreachable = true;
    return false;
  });
  return unreachable;
}

/**
 * Our side of the chain: the viem client, the one hot wallet, its nonce queue, and the signed-before-broadcast
 * record of every transaction (TempoChainRepository).
 *
 * The nonce queue: one send at a time per process signs (`exclusive`), with the next nonce after both the
 * node's pending count and every nonce we ever stored, and the row is written (UNIQUE (sender, nonce)) before
 * anything is broadcast — so two concurrent sends never reuse a nonce, and a signed transaction the node never
 * saw (it was down) keeps its nonce: it is re-broadcast as the same bytes by {@link ensureBroadcast}, and the
 * nonces after it wait behind it, never skip it.
 */
@Injectable()
export class TempoChain {
  private readonly logger = new Logger('TempoChain');
  readonly settings: TempoChainSettings;
  readonly client: PublicClient;
  readonly hotWallet: PrivateKeyAccount;
  private queue: Promise<unknown> = Promise.resolve();
  private chainChecked = false;

  constructor(
    config: AppConfig,
    private readonly repository: TempoChainRepository,
  ) {
    if (!config.tempoChain) throw new Error('TempoChain needs TEMPO_RPC_URL');
    this.settings = config.tempoChain;
    this.client = createPublicClient({
      // No cached block number: confirmations and the deposit watcher's range need the head as it is now.
      cacheTime: 0,
      transport: http(this.settings.rpcUrl, { timeout: config.providers.callTimeoutMs, retryCount: 0 }),
    }) as PublicClient;
    this.hotWallet = privateKeyToAccount(this.settings.hotWalletKey);
    this.logger.log(
      `Tempo on chain: ${new URL(this.settings.rpcUrl).origin} (chain ${this.contracts.chainId}), hot wallet ${this.hotWallet.address}`,
    );
  }

  get contracts(): TempoContracts {
    return this.settings.contracts;
  }

  tokenOf(currency: CurrencyCode): `0x${string}` {
    const address = (this.contracts.tokens as Record<string, string | undefined>)[currency];
    if (!address) throw new ProviderRefusedError('tempo', `no ${currency} token is deployed on this chain`);
    return address as `0x${string}`;
  }

  currencyOfToken(address: string): CurrencyCode | null {
    const lower = address.toLowerCase();
    for (const currency of STABLECOINS) {
      if ((this.contracts.tokens as Record<string, string>)[currency]?.toLowerCase() === lower)
        return currency;
    }
    return null;
  }

  /** The user's deposit address: HD path m/44'/60'/1'/0/index of the configured mnemonic. */
  depositAddress(index: number): `0x${string}` {
    return mnemonicToAccount(this.settings.depositMnemonic, { accountIndex: 1, addressIndex: index }).address;
  }

  transferWithMemoData(to: `0x${string}`, amount: bigint, memo: Hex): Hex {
    return encodeFunctionData({
      abi: tempoTokenAbi,
      functionName: 'transferWithMemo',
      args: [to, amount, memo],
    });
  }

  batchData(token: `0x${string}`, legs: Array<{ to: `0x${string}`; amount: bigint }>, memo: Hex): Hex {
    return encodeFunctionData({
      abi: batchPayerAbi,
      functionName: 'pay',
      args: [token, legs.map((leg) => leg.to), legs.map((leg) => leg.amount), memo],
    });
  }

  async balanceOf(currency: CurrencyCode, owner: `0x${string}`, blockNumber?: bigint): Promise<bigint> {
    return this.client.readContract({
      address: this.tokenOf(currency),
      abi: tempoTokenAbi,
      functionName: 'balanceOf',
      args: [owner],
      ...(blockNumber !== undefined && { blockNumber }),
    });
  }

  /**
   * Signs `call` from the hot wallet and stores it (nonce, hash, bytes) before broadcasting it once. Throws
   * ProviderUnavailableError when the node cannot be reached before anything is signed, ProviderRefusedError when
   * the call would revert or the fee is above the ceiling (nothing signed either way). Once stored, a failed
   * broadcast is not an error: the transaction is ours and pending; {@link ensureBroadcast} sends it again.
   */
  async send(call: ChainCall): Promise<ChainTransactionRow> {
    const stored = await this.exclusive(async (): Promise<{ row: ChainTransactionRow; fresh: boolean }> => {
      const existing = await this.repository.findTransaction(call.idempotencyKey);
      if (existing) return { row: existing, fresh: false };
      const { gas, maxFeePerGas, maxPriorityFeePerGas, chainNonce } = await this.prepare(call);
      let nonce = chainNonce;
      const storedNext = await this.repository.nextStoredNonce(this.hotWallet.address);
      if (storedNext > nonce) nonce = storedNext;
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const raw = await this.hotWallet.signTransaction({
          chainId: this.contracts.chainId,
          type: 'eip1559',
          to: call.to,
          data: call.data,
          gas,
          maxFeePerGas,
          maxPriorityFeePerGas,
          nonce: Number(nonce),
        });
        const row: ChainTransactionRow = {
          idempotencyKey: call.idempotencyKey,
          operation: call.operation,
          sender: this.hotWallet.address,
          nonce,
          txHash: keccak256(raw),
          rawTx: raw,
          currency: call.currency,
          amount: call.amount,
          legs: call.legs,
          memo: call.memo,
          status: 'pending',
          blockNumber: null,
          broadcasts: 0,
          createdAt: new Date(),
          settledAt: null,
        };
        const outcome = await this.repository.insertTransaction(row);
        if (outcome === 'inserted') return { row, fresh: true };
        if (outcome === 'key_taken') {
          return { row: (await this.repository.findTransaction(call.idempotencyKey))!, fresh: false };
        }
        nonce += 1n; // another process signed this nonce: ours is the next one
      }
      throw new ProviderUnavailableError('tempo', 'could not allocate a nonce (five taken in a row)');
    });
    if (stored.fresh) await this.broadcast(stored.row);
    return stored.row;
  }

  /**
   * The node serves the chain our contracts are on (TEMPO_CONTRACTS.chainId): checked once per process, before
   * the first signature — a transaction signed for another chain would be refused by the node for ever.
   */
  async assertChain(): Promise<void> {
    if (this.chainChecked) return;
    const chainId = await this.client.getChainId();
    if (chainId !== this.contracts.chainId) {
      throw new ProviderRefusedError(
        'tempo',
        `the node serves chain ${chainId}, TEMPO_CONTRACTS says ${this.contracts.chainId}`,
      );
    }
    this.chainChecked = true;
  }

  /** Gas, fees within the ceiling, and the node's pending nonce; nothing signed yet. */
  private async prepare(call: ChainCall) {
    try {
      await this.assertChain();
      const [fees, chainNonce] = await Promise.all([
        this.client.estimateFeesPerGas(),
        this.client.getTransactionCount({ address: this.hotWallet.address, blockTag: 'pending' }),
      ]);
      if (fees.maxFeePerGas > this.settings.maxFeePerGasWei) {
        throw new ProviderRefusedError(
          'tempo',
          `network fee ${fees.maxFeePerGas} wei/gas is above the ceiling of ${this.settings.maxFeePerGasWei}`,
        );
      }
      const estimated = await this.client.estimateGas({
        account: this.hotWallet.address,
        to: call.to,
        data: call.data,
      });
      return {
        gas: (estimated * 12n) / 10n,
        maxFeePerGas: this.settings.maxFeePerGasWei,
        maxPriorityFeePerGas:
          fees.maxPriorityFeePerGas > this.settings.maxFeePerGasWei
            ? this.settings.maxFeePerGasWei
            : fees.maxPriorityFeePerGas,
        chainNonce: BigInt(chainNonce),
      };
    } catch (error) {
      if (error instanceof ProviderRefusedError) throw error;
      if (isUnreachable(error))
        throw new ProviderUnavailableError('tempo', `node unreachable: ${short(error)}`);
      // The node answered, and the call would revert (funds, allowance, a bad address).
      throw new ProviderRefusedError('tempo', `the transaction would revert: ${short(error)}`);
    }
  }

  /** Broadcasts the stored bytes; false when the node could not be reached (the transaction stays pending). */
  async broadcast(row: ChainTransactionRow): Promise<boolean> {
    await this.repository.countBroadcast(row.idempotencyKey);
    try {
      await this.client.sendRawTransaction({ serializedTransaction: row.rawTx });
      return true;
    } catch (error) {
      if (isUnreachable(error)) {
        this.logger.warn(
          `Broadcast of ${row.txHash} (nonce ${row.nonce}) failed: node unreachable; kept pending`,
        );
        return false;
      }
      // "already known", "nonce too low" (it was mined): the node has it or had it; its receipt will say.
      this.logger.log(`Broadcast of ${row.txHash}: ${short(error)}`);
      return true;
    }
  }

  /** Where a stored transaction stands (throws ProviderUnavailableError when the node cannot be reached). */
  async observe(row: ChainTransactionRow): Promise<ChainObservation> {
    try {
      const receipt = await this.receiptOf(row.txHash);
      if (receipt) {
        const head = await this.client.getBlockNumber();
        return {
          state: 'mined',
          status: receipt.status,
          blockNumber: receipt.blockNumber,
          confirmations: head - receipt.blockNumber + 1n,
          gasUsed: receipt.gasUsed,
        };
      }
      const known = await this.client.getTransaction({ hash: row.txHash }).then(
        () => true,
        (error: unknown) => {
          if (isUnreachable(error)) throw error;
          return false;
        },
      );
      return known ? { state: 'in_mempool' } : { state: 'unknown' };
    } catch (error) {
      throw new ProviderUnavailableError('tempo', `node unreachable: ${short(error)}`);
    }
  }

  /**
   * A stored transaction the node does not know (it was down when we sent it, or dropped it) is sent again as
   * the same signed bytes: same nonce, same hash. Never signed anew.
   */
  async ensureBroadcast(row: ChainTransactionRow, observation: ChainObservation): Promise<void> {
    if (observation.state !== 'unknown') return;
    this.logger.warn(
      `Transaction ${row.txHash} (nonce ${row.nonce}) unknown to the node: re-sending the same bytes`,
    );
    await this.broadcast(row);
  }

  async receiptOf(hash: Hex): Promise<TransactionReceipt | null> {
    try {
      return await this.client.getTransactionReceipt({ hash });
    } catch (error) {
      if (isUnreachable(error)) throw error;
      return null; // TransactionReceiptNotFoundError
    }
  }

  /** One at a time in this process (the nonce queue). */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function short(error: unknown): string {
  if (error instanceof BaseError) return error.shortMessage;
  return String((error as { message?: unknown })?.message ?? error).slice(0, 200);
}
