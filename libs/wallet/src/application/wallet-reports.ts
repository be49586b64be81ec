import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { Preferences } from './commands/update-preferences/update-preferences.command';
import { GetAutoConvertingUsersQuery } from './queries/get-auto-converting-users/get-auto-converting-users.query';
import { GetBalanceQuery, type BalanceReport } from './queries/get-balance/get-balance.query';
import { GetLimitsQuery, type LimitsReport } from './queries/get-limits/get-limits.query';
import { GetPreferencesQuery } from './queries/get-preferences/get-preferences.query';

/**
 * What other contexts read of a consumer's wallet (balances, limits, preferences), as typed calls
 * (architecture.md, Contexts and their public surfaces). Inside wallet these are queries on the bus.
 */
@Injectable()
export class WalletReports {
  constructor(private readonly queries: QueryBus) {}

  balance(userId: string): Promise<BalanceReport> {
    return this.queries.execute(new GetBalanceQuery(userId));
  }

  limits(userId: string): Promise<LimitsReport> {
    return this.queries.execute(new GetLimitsQuery(userId));
  }

  /** Of these users, those with auto-convert on → their preferred currency (one query for a batch's recipients). */
  autoConverting(userIds: string[]): Promise<Map<string, string>> {
    return this.queries.execute(new GetAutoConvertingUsersQuery(userIds));
  }

  /** The user's preferences (preferred provider, smart routing …), defaults when never set. */
  preferences(userId: string): Promise<Preferences> {
    return this.queries.execute(new GetPreferencesQuery(userId));
  }
}
