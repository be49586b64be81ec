import type { EntityManager } from 'typeorm';
import { blockHash, GENESIS_HASH, transactionDigest, type LedgerSeal } from '../domain/ledger-seal';
import { LedgerSealRepository } from '../infrastructure/ledger-seal.repository';

export interface BrokenLink {
  block: number;
  /** The transaction that changed, appeared or went missing, when the check can name it. */
  transactionId: string | null;
  reason: string;
}

export interface SealReport {
  ok: boolean;
  blocks: number;
  transactions: number;
  /** The sealed point checked: the latest block's last entry id. */
  sealedThrough: string;
  /** The first broken link of the chain; the check stops there. */
  broken: BrokenLink | null;
}

const PAGE = 100;

/**
 * Recomputes the hash chain over the journal from the first block (domain/ledger-seal.ts) and reports the first
 * broken link: a block whose previous hash is not its predecessor's hash; a sealed transaction whose entries (or
 * kind, reference, metadata) changed; a transaction that appears below a sealed point although it was not
 * sealed there (inserted, or committed, after the block was sealed); a sealed transaction gone from the
 * journal; a block whose stored hash does not match what it seals. Read-only; run it in a REPEATABLE READ
 * transaction for one snapshot.
 */
export async function verifyLedgerSeals(manager: EntityManager): Promise<SealReport> {
  const seals = new LedgerSealRepository();
  let previousHash = GENESIS_HASH;
  let previousPoint = 0n;
  let expected = 1;
  let transactions = 0;
  for (;;) {
    const page = await seals.blocks(manager, expected, PAGE);
    for (const seal of page) {
      const broken = await checkBlock(seals, manager, seal, expected, previousHash, previousPoint);
      if (broken) {
        return {
          ok: false,
          blocks: expected - 1,
          transactions,
          sealedThrough: previousPoint.toString(),
          broken,
        };
      }
      previousHash = seal.hash;
      previousPoint = BigInt(seal.lastEntryId);
      transactions += seal.transactionCount;
      expected += 1;
    }
    if (page.length < PAGE) break;
  }
  return {
    ok: true,
    blocks: expected - 1,
    transactions,
    sealedThrough: previousPoint.toString(),
    broken: null,
  };
}

async function checkBlock(
  seals: LedgerSealRepository,
  manager: EntityManager,
  seal: LedgerSeal,
  expected: number,
  previousHash: string,
  previousPoint: bigint,
): Promise<BrokenLink | null> {
  const at = (transactionId: string | null, reason: string): BrokenLink => ({
    block: seal.block,
    transactionId,
    reason,
  });
  if (seal.block !== expected)
    return at(null, `block ${expected} is missing (the next block is ${seal.block})`);
  if (seal.previousHash !== previousHash) {
    return at(null, `its previous hash is not the hash of block ${expected - 1}: the chain was altered`);
  }
  const members = await seals.transactionsFirstIn(manager, previousPoint, BigInt(seal.lastEntryId), null);
  const sealed = new Map(seal.transactionIds.map((id, position) => [id, position]));
  const found = new Set(members.map((member) => member.id));
  const appeared = members.find((member) => !sealed.has(member.id));
  const gone = seal.transactionIds.find((id) => !found.has(id));
  // In journal order: whichever comes first of an unexpected transaction and a changed one is the broken link.
  for (const [index, member] of members.entries()) {
    if (member === appeared) {
      return at(
        member.id,
        `transaction ${member.id} (first entry ${member.firstEntryId}) appears below the sealed point ` +
          `${seal.lastEntryId} but was not sealed in this block: inserted or committed after the block was sealed`,
      );
    }
    const position = sealed.get(member.id) ?? -1;
    if (position !== index && gone === undefined) {
      return at(member.id, `transaction ${member.id} is out of its sealed order`);
    }
    if (seal.transactionDigests[position] !== transactionDigest(member)) {
      return at(
        member.id,
        `transaction ${member.id} changed after it was sealed (its entries or fields differ)`,
      );
    }
  }
  if (gone !== undefined) {
    return at(
      gone,
      `transaction ${gone} was sealed in this block but its entries are no longer in the journal`,
    );
  }
  if (blockHash(previousHash, members) !== seal.hash) {
    return at(null, 'the stored hash does not match the transactions it seals: the block itself was altered');
  }
  return null;
}
