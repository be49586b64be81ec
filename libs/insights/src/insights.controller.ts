import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { Money, STABLECOINS, type CurrencyCode } from '#monay/kernel';
import { WalletAccess } from '#monay/wallet';
import { InsightsRepository } from './insights.repository';
import { decodeCursor, encodeCursor, HistoryQueryDto } from './history-query.dto';
import { HISTORY_LINE_TYPES } from './history';
import { ApiErrorResponses } from '#monay/shared';

/** Read models: served from projection tables, never from the ledger or another context's tables. */
@ApiTags('insights')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller()
export class InsightsController {
  constructor(
    private readonly insights: InsightsRepository,
    private readonly wallets: WalletAccess,
  ) {}

  @ApiErrorResponses()
  @Get('consumer/portfolio')
  async portfolio(@CurrentUser() user: AuthUser) {
    const totals = new Map(
      (await this.insights.portfolio(user.userId)).map((row) => [row.currency, row.total]),
    );
    let totalUsd = Money.zero('USD');
    const breakdown = STABLECOINS.map((currency: CurrencyCode) => {
      const total = Money.of(totals.get(currency) ?? 0n, currency);
      const usdValue = this.wallets.usdValue(total);
      totalUsd = totalUsd.plus(usdValue);
      return {
        currency,
        total: total.toDecimalString(),
        usdValue: usdValue.toDecimalString(),
        provider: 'monay',
      };
    });
    return { success: true, totalUSD: totalUsd.toDecimalString(), breakdown, primaryProvider: 'monay' };
  }

  @ApiErrorResponses(400)
  @Get('transactions')
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'currency', required: false })
  @ApiQuery({
    name: 'type',
    required: false,
    enum: HISTORY_LINE_TYPES,
  })
  async transactions(@CurrentUser() user: AuthUser, @Query() query: HistoryQueryDto) {
    const limit = query.limit ?? 20;
    const rows = await this.insights.activity(user.userId, {
      limit: limit + 1,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      currency: query.currency,
      type: query.type,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      success: true,
      transactions: page.map((row) => {
        const currency = row.currency as CurrencyCode;
        return {
          id: row.referenceId,
          type: row.type,
          status: row.status,
          amount: Money.of(row.amount, currency).toDecimalString(),
          fee: Money.of(row.fee, currency).toDecimalString(),
          currency,
          counterparty: counterpartyOf(row),
          batchId: row.batchId,
          note: row.note,
          ...(row.failureCode && { failureCode: row.failureCode }),
          occurredAt: row.occurredAt.toISOString(),
        };
      }),
      nextCursor: rows.length > limit && last ? encodeCursor(last.occurredAt, last.id) : null,
    };
  }
}

/**
 * Money received shows who sent it; money sent shows the recipient as the sender typed it, masked, never the
 * recipient's user id (a line projected before that existed shows "***").
 */
function counterpartyOf(row: {
  type: string;
  counterpartyUserId: string | null;
  counterpartyDisplay?: string | null;
}): { userId: string } | { displayName: string } | null {
  if (row.type === 'transfer_out' && row.counterpartyUserId)
    return { displayName: row.counterpartyDisplay ?? '***' };
  return row.counterpartyUserId ? { userId: row.counterpartyUserId } : null;
}
