import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, type EntityManager } from 'typeorm';
import { blockHash, GENESIS_HASH, transactionDigest } from '../domain/ledger-seal';
import { LedgerSealRepository } from '../infrastructure/ledger-seal.repository';

export interface SealOptions {
  /** Transactions per block (the last block of a run may hold fewer). */
  blockSize?: number;
  /** Blocks written at most per run; a backlog is taken by the next runs. */
  maxBlocks?: number;
  /** How long to wait for transactions in progress to end before sealing up to their point. */
  settleTimeoutMs?: number;
}

export interface SealRun {
  /** Blocks written by this run, and the transactions they sealed. */
  blocks: number;
  transactions: number;
  /** The sealed point after the run (highest entry id covered), and the latest block. */
  sealedThrough: string;
  latestBlock: number;
  /** True when transactions in progress did not end in time: nothing past them was sealed this run. */
  deferred: boolean;
}

export interface SealStatus {
  block: number;
  lastTransactionId: string | null;
  sealedThrough: string;
  hash: string;
  sealedAt: string | null;
  /** Journal transactions not sealed yet. */
  unsealed: number;
}

const DEFAULTS = { blockSize: 1000, maxBlocks: 50, settleTimeoutMs: 5_000 };

/**
 * Seals committed ledger transactions, in journal order, into hash-chained blocks (domain/ledger-seal.ts)
 * without serialising writers: writers take no lock and wait for nothing; the sealer only reads the journal
 * and appends to `ledger_seals` in a statement of its own.
 *
 * What makes a point safe to seal. Journal order is `ledger_entries.id` (a sequence, CACHE 1: values are
 * handed out in increasing order across sessions), and a transaction's place is its first entry id. Entries
 * are inserted concurrently, so a transaction holding a lower id may commit after one holding a higher id:
 * sealing "everything visible up to the highest visible id" could seal past a transaction that commits a
 * moment later, below the sealed point. So a run:
 *  1. reads, in ONE statement (one snapshot), the highest committed entry id `top` and the transactions that
 *     may be in progress: the snapshot's xip list and every xid from its xmax to the next one to be assigned
 *     (transactionsInFlight; the xip list alone misses a transaction that took its xid after the newest
 *     completed one). Every id ≤ top was handed out before that snapshot. The ledger gives each writing
 *     transaction an xid before it takes an entry id (ledger.repository.ts: the entry INSERTs filter on
 *     `pg_current_xact_id()`, which PostgreSQL evaluates before the id default), so a transaction that holds an
 *     id ≤ top and had not committed at the snapshot is in that list;
 *  2. waits (polling `pg_xact_status`, holding no transaction) until every one of them has committed or rolled
 *     back. Then each id ≤ top is committed (visible from now on) or never will be (a rolled-back gap);
 *  3. seals the transactions whose first entry id is ≤ top, in blocks. Nothing can appear below that point
 *     afterwards; if something ever does (a row inserted by hand, or a writer that bypassed the ledger), the
 *     check (verifyLedgerSeals) finds a transaction that is not in the block its first entry id falls in.
 * If the transactions in progress do not end within `settleTimeoutMs`, the run seals nothing new (deferred)
 * and the next run tries again. On the embedded database the wire server runs one transaction at a time, so
 * the list is always empty. Several sealers at once are safe: a block is appended only after the latest one,
 * and the primary key lets one of two competing blocks in.
 */
@Injectable()
export class LedgerSealer {
  private readonly logger = new Logger('LedgerSeal');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly seals: LedgerSealRepository,
  ) {}

  async seal(options: SealOptions = {}): Promise<SealRun> {
    const { blockSize, maxBlocks, settleTimeoutMs } = { ...DEFAULTS, ...options };
    const manager = this.dataSource.manager;
    const latest = await this.seals.latest(manager);
    let block = latest?.block ?? 0;
    let previousHash = latest?.hash ?? GENESIS_HASH;
    let sealedThrough = BigInt(latest?.lastEntryId ?? '0');
    const run = { blocks: 0, transactions: 0, deferred: false };

    const through = await this.safePoint(manager, settleTimeoutMs);
    if (through === null) run.deferred = true;
    while (through !== null && through > sealedThrough && run.blocks < maxBlocks) {
      const members = await this.seals.transactionsFirstIn(manager, sealedThrough, through, blockSize);
      if (members.length === 0) break;
      const full = members.length === blockSize;
      const first = members[0];
      const last = members[members.length - 1];
      const hash = blockHash(previousHash, members);
      const lastEntryId = full ? BigInt(last.firstEntryId) : through;
      const written = await this.seals.append(manager, {
        block: block + 1,
        firstTransactionId: first.id,
        lastTransactionId: last.id,
        firstEntryId: first.firstEntryId,
        lastEntryId: lastEntryId.toString(),
        transactionCount: members.length,
        transactionIds: members.map((member) => member.id),
        transactionDigests: members.map(transactionDigest),
        hash,
        previousHash,
      });
      if (!written) {
        // Another sealer appended this block first: it goes on from there.
        this.logger.log(`Block ${block + 1} was sealed concurrently; this run stops`);
        break;
      }
      block += 1;
      previousHash = hash;
      sealedThrough = lastEntryId;
      run.blocks += 1;
      run.transactions += members.length;
    }
    if (run.blocks > 0) {
      this.logger.log(
        `Sealed ${run.transactions} ledger transactions in ${run.blocks} block(s), through block ${block}`,
      );
    }
    return { ...run, sealedThrough: sealedThrough.toString(), latestBlock: block };
  }

  async status(): Promise<SealStatus> {
    const manager = this.dataSource.manager;
    const latest = await this.seals.latest(manager);
    const sealedThrough = BigInt(latest?.lastEntryId ?? '0');
    return {
      block: latest?.block ?? 0,
      lastTransactionId: latest?.lastTransactionId ?? null,
      sealedThrough: sealedThrough.toString(),
      hash: latest?.hash ?? GENESIS_HASH,
      sealedAt: latest?.sealedAt.toISOString() ?? null,
      unsealed: await this.seals.unsealedCount(manager, sealedThrough),
    };
  }

  /** The highest entry id below which nothing can still commit, or null if that could not be made sure in time. */
  private async safePoint(manager: EntityManager, timeoutMs: number): Promise<bigint | null> {
    const { top, inProgress } = await this.seals.snapshot(manager);
    const deadline = Date.now() + timeoutMs;
    let pause = 5;
    while ((await this.seals.stillInProgress(manager, inProgress)) > 0) {
      if (Date.now() >= deadline) {
        this.logger.warn(
          `Transactions in progress since the seal's snapshot did not end within ${timeoutMs} ms; sealing later`,
        );
        return null;
      }
      await sleep(pause);
      pause = Math.min(pause * 2, 200);
    }
    return top;
  }
}
