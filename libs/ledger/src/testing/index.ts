import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { LedgerService } from '../application/ledger.service';
import type { LedgerAccount } from '../domain/ledger-account';
import { LedgerRepository } from '../infrastructure/ledger.repository';

/** A LedgerService without Nest, for integration specs. */
export function createLedgerService(): LedgerService {
  return new LedgerService(new LedgerRepository());
}

/** Minor units of a 6-decimal stablecoin: `units(100)` is 100.000000. */
export function units(whole: bigint): bigint {
  return whole * 1_000_000n;
}

/** A new owner's wallet account in `currency`. */
export async function openWallet(
  dataSource: DataSource,
  ledger: LedgerService,
  currency = 'USDC',
): Promise<LedgerAccount> {
  const [account] = await dataSource.transaction((tx) =>
    ledger.openUserAccounts(tx, randomUUID(), [currency]),
  );
  return account;
}

/** Money in from a provider's clearing account, as a deposit would book it. */
export async function deposit(
  dataSource: DataSource,
  ledger: LedgerService,
  account: LedgerAccount,
  amount: bigint,
  provider = 'tempo',
): Promise<string> {
  return dataSource.transaction(async (tx) => {
    const clearing = await ledger.systemAccount(tx, 'provider_clearing', account.currency, provider);
    const { transactionId } = await ledger.post(tx, {
      kind: 'deposit',
      entries: [
        { accountId: clearing.id, currency: account.currency, amount: -amount },
        { accountId: account.id, currency: account.currency, amount },
      ],
    });
    return transactionId;
  });
}

/** A P2P transfer in its own database transaction; entries list the debit first, as a naive caller would. */
export function transfer(
  dataSource: DataSource,
  ledger: LedgerService,
  from: LedgerAccount,
  to: LedgerAccount,
  amount: bigint,
): Promise<{ transactionId: string }> {
  return dataSource.transaction((tx) =>
    ledger.post(tx, {
      kind: 'p2p_transfer',
      entries: [
        { accountId: from.id, currency: from.currency, amount: -amount },
        { accountId: to.id, currency: to.currency, amount },
      ],
    }),
  );
}
