import { Command } from '@nestjs/cqrs';
import type { ProviderName } from '#monay/shared';

export interface Preferences {
  preferredCurrency: string;
  autoBalance: boolean;
  /** Money arriving in another stablecoin (P2P, deposits, request payments) is swapped to `preferredCurrency`. */
  autoConvert: boolean;
  smartRouting: boolean;
  instantNotifications: boolean;
  /** The provider deposits and withdrawals go to first when it can serve them; null: the router decides. */
  preferredProvider: ProviderName | null;
  /** IANA time zone ("Europe/Paris"; default "UTC"): the user's days in analytics are read in it. */
  timezone: string;
}

export class UpdatePreferencesCommand extends Command<Preferences> {
  constructor(
    readonly userId: string,
    readonly changes: Partial<Preferences>,
  ) {
    super();
  }
}
