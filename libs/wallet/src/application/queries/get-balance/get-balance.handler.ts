import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { LedgerService } from '#monay/ledger';
import { Money, STABLECOINS, type CurrencyCode } from '#monay/kernel';
import { UnitOfWork } from '#monay/shared';
import { WalletAccess } from '../../wallet-access';
import { BalanceReport, GetBalanceQuery } from './get-balance.query';

/** Live balances from the ledger (the source of truth): total posted, pending holds, available. */
@QueryHandler(GetBalanceQuery)
export class GetBalanceHandler implements IQueryHandler<GetBalanceQuery> {
  constructor(
    private readonly access: WalletAccess,
    private readonly ledger: LedgerService,
    private readonly uow: UnitOfWork,
  ) {}

  async execute({ userId }: GetBalanceQuery): Promise<BalanceReport> {
    await this.access.ensureWallet(userId);
    const accounts = await this.ledger.balances(this.uow.manager, userId);
    let totalUsd = Money.zero('USD');
    const balances = STABLECOINS.map((currency: CurrencyCode) => {
      const account = accounts.find((a) => a.currency === currency);
      const total = Money.of(account?.posted ?? 0n, currency);
      const pending = Money.of(account?.pendingDebits ?? 0n, currency);
      totalUsd = totalUsd.plus(this.access.usdValue(total));
      return {
        currency,
        available: total.minus(pending).toDecimalString(),
        pending: pending.toDecimalString(),
        total: total.toDecimalString(),
      };
    });
    return { balances, totalUSD: totalUsd.toDecimalString() };
  }
}
