import { Injectable, Logger } from '@nestjs/common';
import { LedgerService } from '#monay/ledger';
import { Money, STABLECOINS } from '#monay/kernel';
import { OutboxRelay, OutboxWriter, UnitOfWork } from '#monay/shared';
import { WalletAccess } from '#monay/wallet';
import { MovementEngine } from '../movements/movement-engine';
import { MovementRepository } from '../movements/movement.repository';
import { DepositPolicy } from '../movements/request-deposit/deposit.policy';
import { tempoTokenAbi } from './contracts/artifacts';
import { depositTransaction } from './tempo-chain-provider';
import { isUnreachable, TempoChain } from './tempo-chain';
import { TempoChainRepository } from './tempo-chain.repository';

export const DEPOSIT_CURSOR = 'deposits';

/** A Transfer log paid to a user's deposit address. */
export interface ChainDepositLog {
  userId: string;
  currency: (typeof STABLECOINS)[number];
  amount: bigint;
  address: string;
  txHash: string;
  logIndex: number;
  blockNumber: bigint;
  blockHash: string;
}

/** What one pass of the watcher did. */
export interface DepositWatchReport {
  /** The last block read (the cursor after this pass), or null when the node could not be reached. */
  toBlock: bigint | null;
  credited: number;
  alreadyCredited: number;
  orphaned: number;
}

/**
 * Deposits on chain: reads the `Transfer` logs of our tokens from the block after its stored cursor (minus
 * `reorgDepth` blocks, read again for re-orgs) up to the newest block with `confirmations`, and credits each log
 * paid to a user's deposit address once per (tx hash, log index) — the row and the deposit movement commit
 * together, then the movement engine books it (the poller finishes a crediting cut short by a crash: the
 * adapter reports the recorded deposit as completed). The cursor is stored, so a restart goes on from it.
 *
 * A credited log that a re-read no longer finds (its block re-organised away) is marked orphaned and logged as
 * an error for an operator: the money was credited, and reconciliation reports the difference with the chain.
 *
 * Also books the hot wallet's opening float once per token (the balance it held at the deployment block):
 * clearing_tempo −float against world/tempo-float, so that the clearing account mirrors the chain.
 */
@Injectable()
export class TempoDepositWatcher {
  private readonly logger = new Logger('TempoDeposits');

  constructor(
    private readonly chain: TempoChain,
    private readonly repository: TempoChainRepository,
    private readonly engine: MovementEngine,
    private readonly policy: DepositPolicy,
    private readonly uow: UnitOfWork,
    private readonly outbox: OutboxWriter,
    private readonly relay: OutboxRelay,
    private readonly wallets: WalletAccess,
    private readonly ledger: LedgerService,
    private readonly movements: MovementRepository,
  ) {}

  get pollMs(): number {
    return this.chain.settings.depositPollMs;
  }

  async pollOnce(): Promise<DepositWatchReport> {
    const report: DepositWatchReport = { toBlock: null, credited: 0, alreadyCredited: 0, orphaned: 0 };
    let head: bigint;
    try {
      head = await this.chain.client.getBlockNumber();
      await this.bookOpeningFloat();
    } catch (error) {
      if (isUnreachable(error)) return report;
      throw error;
    }
    const deployed = BigInt(this.chain.contracts.block);
    const safe = head - BigInt(this.chain.settings.confirmations - 1);
    const cursor = (await this.repository.cursor(DEPOSIT_CURSOR)) ?? deployed;
    if (safe <= deployed) return { ...report, toBlock: cursor };
    const start = cursor + 1n - BigInt(this.chain.settings.reorgDepth);
    const from = start > deployed ? start : deployed + 1n;
    if (from > safe) return { ...report, toBlock: cursor };

    const seen = new Set<string>();
    const tokens = STABLECOINS.map((currency) => this.chain.tokenOf(currency));
    const range = BigInt(this.chain.settings.logRange);
    for (let low = from; low <= safe; low += range) {
      const high = low + range - 1n < safe ? low + range - 1n : safe;
      const logs = await this.chain.client.getContractEvents({
        address: tokens,
        abi: tempoTokenAbi,
        eventName: 'Transfer',
        fromBlock: low,
        toBlock: high,
      });
      const owners = await this.repository.ownersOf(logs.map((log) => log.args.to!));
      for (const log of logs) {
        const userId = owners.get(log.args.to!.toLowerCase());
        const currency = this.chain.currencyOfToken(log.address);
        if (!userId || !currency || !log.args.value) continue;
        const key = `${log.transactionHash}:${log.logIndex}`;
        seen.add(key);
        const existing = await this.repository.findDeposit(log.transactionHash!, log.logIndex!);
        if (existing) {
          report.alreadyCredited += 1;
          if (existing.blockHash !== log.blockHash) {
            await this.repository.moveDeposit(
              existing.txHash,
              existing.logIndex,
              log.blockNumber!,
              log.blockHash!,
            );
          }
          continue;
        }
        const credited = await this.credit({
          userId,
          currency,
          amount: log.args.value,
          address: log.args.to!.toLowerCase(),
          txHash: log.transactionHash!,
          logIndex: log.logIndex!,
          blockNumber: log.blockNumber!,
          blockHash: log.blockHash!,
        });
        if (credited) report.credited += 1;
        else report.alreadyCredited += 1;
      }
    }
    // Re-orgs: a deposit recorded in the window read again that the chain no longer has.
    for (const deposit of await this.repository.depositsFrom(from)) {
      if (deposit.blockNumber > safe || seen.has(`${deposit.txHash}:${deposit.logIndex}`)) continue;
      await this.repository.orphanDeposit(deposit.txHash, deposit.logIndex, new Date());
      report.orphaned += 1;
      this.logger.error(
        { txHash: deposit.txHash, logIndex: deposit.logIndex, movementId: deposit.movementId },
        'A credited deposit is no longer on chain (re-org): an operator must review it',
      );
    }
    await this.repository.saveCursor(DEPOSIT_CURSOR, safe, new Date());
    return { ...report, toBlock: safe };
  }

  /** Records the log and its deposit movement (once per log), then books it. */
  private async credit(log: ChainDepositLog): Promise<boolean> {
    const movementId = await this.record(log);
    if (!movementId) return false;
    await this.book(movementId);
    return true;
  }

  /**
   * The first half of crediting: the log's row and its deposit movement (pending, at Tempo) in one transaction;
   * the movement id, or null when the log is already recorded. What a crash right after it leaves is finished by
   * the poller (it asks Tempo for the movement; the adapter reports the recorded deposit completed).
   */
  async record(log: ChainDepositLog): Promise<string | null> {
    await this.wallets.ensureWallet(log.userId);
    const drafted = this.engine.draft(this.policy, {
      userId: log.userId,
      idempotency: null,
      amount: Money.of(log.amount, log.currency),
      speed: 'standard',
      method: 'crypto',
      metadata: {
        chain: {
          txHash: log.txHash,
          logIndex: log.logIndex,
          block: log.blockNumber.toString(),
          to: log.address,
        },
      },
    });
    // Recorded at Tempo from the start: should the process stop before the booking below, the poller asks Tempo
    // for it by its id, and the adapter reports the recorded deposit completed.
    const movement = { ...drafted, provider: 'tempo' as const };
    const now = new Date();
    const recorded = await this.uow.run(async (tx) => {
      const inserted = await this.repository.insertDeposit(tx, {
        txHash: log.txHash,
        logIndex: log.logIndex,
        movementId: movement.id,
        userId: log.userId,
        address: log.address,
        currency: log.currency,
        amount: log.amount,
        blockNumber: log.blockNumber,
        blockHash: log.blockHash,
        createdAt: now,
      });
      if (!inserted) return false;
      // Due for the poller at once (nothing routes it: the money is already ours on chain).
      await this.movements.insert(tx, movement, now);
      await this.outbox.append(tx, this.policy.events(movement, 'requested'));
      return true;
    });
    return recorded ? movement.id : null;
  }

  /** The second half: the engine settles the recorded deposit movement (credits the wallet, once). */
  private async book(movementId: string): Promise<void> {
    const deposit = await this.repository.depositByMovement(movementId);
    await this.engine.apply(this.policy, movementId, {
      kind: 'completed',
      provider: 'tempo',
      transaction: depositTransaction(deposit!),
    });
    this.relay.nudge();
    this.logger.log(
      `Credited ${deposit!.amount} ${deposit!.currency} to ${deposit!.userId} (${deposit!.txHash}:${deposit!.logIndex})`,
    );
  }

  /** The hot wallet's balance at the deployment block, booked once per token as the clearing account's start. */
  async bookOpeningFloat(): Promise<void> {
    const block = BigInt(this.chain.contracts.block);
    for (const currency of STABLECOINS) {
      if (await this.repository.floatBooked(currency)) continue;
      const amount = await this.chain.balanceOf(currency, this.chain.hotWallet.address, block);
      await this.uow
        .run(async (tx) => {
          if (amount === 0n) {
            if (
              !(await this.repository.insertFloat(tx, {
                currency,
                amount,
                block,
                ledgerTransactionId: null,
                at: new Date(),
              }))
            ) {
              throw new FloatAlreadyBooked();
            }
            return;
          }
          const clearing = await this.ledger.systemAccount(tx, 'provider_clearing', currency, 'tempo');
          const world = await this.ledger.systemAccount(tx, 'world', currency, 'tempo-float');
          const { transactionId } = await this.ledger.post(tx, {
            kind: 'provider_float',
            reference: `tempo-float:${currency}`,
            metadata: { provider: 'tempo', block: block.toString(), hotWallet: this.chain.hotWallet.address },
            entries: [
              { accountId: clearing.id, currency, amount: -amount },
              { accountId: world.id, currency, amount },
            ],
          });
          const inserted = await this.repository.insertFloat(tx, {
            currency,
            amount,
            block,
            ledgerTransactionId: transactionId,
            at: new Date(),
          });
          // Another process booked it first: this transaction rolls back.
          if (!inserted) throw new FloatAlreadyBooked();
        })
        .catch((error: unknown) => {
          if (!(error instanceof FloatAlreadyBooked)) throw error;
        });
    }
  }
}

class FloatAlreadyBooked extends Error {}
