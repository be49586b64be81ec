import { Injectable, Logger } from '@nestjs/common';
import { CommandBus, EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { isCurrencyCode, Money, type CurrencyCode } from '#monay/kernel';
import { AppConfig, PublishedEvent, type DomainEvent } from '#monay/shared';
import { WalletReports } from '#monay/wallet';
import { ExecuteSwapCommand } from '../execute-swap/execute-swap.command';

/** Money that arrived in a user's wallet: whose, in what, how much, and which movement brought it. */
export interface Arrival {
  userId: string;
  currency: string;
  amount: string;
  /** The movement's id: the conversion's idempotency key is made of it. */
  movementId: string;
}

/**
 * Money that arrived: the recipient of a P2P transfer (a payment-request payment or a claimed invite is one), or the
 * credited amount of a deposit. A swap's proceeds are not an arrival (they are already in the currency asked for).
 */
export function arrivalOf(event: DomainEvent): Arrival | null {
  if (event.type === 'FundsTransferred') {
    const p = event.payload;
    return { userId: p.recipientId, currency: p.currency, amount: p.amount, movementId: p.transferId };
  }
  if (event.type === 'DepositCompleted') {
    const p = event.payload;
    return { userId: p.userId, currency: p.currency, amount: p.credited, movementId: p.depositId };
  }
  return null;
}

/** The idempotency key of the conversion of one arrival: the swap path runs a key once, however often it is asked. */
export function autoConvertKeyOf(arrival: Arrival): string {
  return `auto-convert:${arrival.movementId}`;
}

/**
 * Auto-convert (wallet preference `autoConvert`): money arriving in a stablecoin other than the user's preferred
 * currency is swapped to it through the normal swap path (quote at the reference rate, the provider's fee, rounding
 * in the user's disfavour booked to the swap pool), once per arrival: the swap's Idempotency-Key is
 * `auto-convert:<movement id>`, so a relay that delivers the event twice converts once. Below AUTO_CONVERT_MIN_AMOUNT
 * nothing is converted. A refused or failed swap leaves the money where it arrived; the swap's own failed line in the
 * history says why.
 */
@Injectable()
export class AutoConvert {
  private readonly logger = new Logger('AutoConvert');
  private readonly minimum: string;

  constructor(
    private readonly commands: CommandBus,
    private readonly wallets: WalletReports,
    config: AppConfig,
  ) {
    this.minimum = config.everyday.autoConvertMinAmount;
  }

  /** Converts the arrival if the user asked for it; returns the swap's HTTP-like status, or null when not converted. */
  async convert(arrival: Arrival): Promise<number | null> {
    if (!isCurrencyCode(arrival.currency)) return null;
    const preferences = await this.wallets.preferences(arrival.userId);
    const to = preferences.preferredCurrency;
    if (!preferences.autoConvert || to === arrival.currency || !isCurrencyCode(to)) return null;
    const from = arrival.currency as CurrencyCode;
    const amount = Money.parse(arrival.amount, from);
    if (amount.lessThan(Money.parse(this.minimum, from))) return null;
    const result = await this.commands.execute(
      new ExecuteSwapCommand(
        arrival.userId,
        autoConvertKeyOf(arrival),
        { from, to: to as CurrencyCode, amount },
        { from, to, amount: amount.toDecimalString(), autoConvertOf: arrival.movementId },
      ),
    );
    if (result.status >= 400) {
      this.logger.log(
        `Auto-convert of ${arrival.movementId} was refused (${result.status}); the money stays`,
      );
    }
    return result.status;
  }
}

/** After the relay commits an arrival (best effort after the commit; the key makes a repeat harmless). */
@EventsHandler(PublishedEvent)
export class AutoConvertOnArrival implements IEventHandler<DomainEvent> {
  private readonly logger = new Logger('AutoConvert');

  constructor(private readonly autoConvert: AutoConvert) {}

  handle(event: DomainEvent): void {
    const arrival = arrivalOf(event);
    if (!arrival) return;
    this.autoConvert
      .convert(arrival)
      .catch((error: unknown) =>
        this.logger.warn(`Could not auto-convert ${arrival.movementId}: ${String(error)}`),
      );
  }
}
