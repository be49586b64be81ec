import { Injectable, Logger } from '@nestjs/common';
import { CommandBus, EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { isCurrencyCode, Money } from '#monay/kernel';
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

  /**
   * Converts, of these arrivals, those of users with auto-convert on, in a currency other than their preferred one
   * and at or above the minimum: one query for the whole batch (a batch transfer's thousand recipients), then one
   * swap per arrival. Returns the swaps' HTTP-like statuses.
   */
  async convertAll(arrivals: Arrival[]): Promise<number[]> {
    const preferred = await this.wallets.autoConverting([...new Set(arrivals.map((a) => a.userId))]);
    const statuses: number[] = [];
    for (const arrival of arrivals) {
      const to = preferred.get(arrival.userId);
      if (!to) continue;
      const status = await this.convert(arrival, to).catch((error: unknown) => {
        this.logger.warn(`Could not auto-convert ${arrival.movementId}: ${String(error)}`);
        return null;
      });
      if (status !== null) statuses.push(status);
    }
    return statuses;
  }

  private async convert(arrival: Arrival, to: string): Promise<number | null> {
    if (!isCurrencyCode(arrival.currency) || !isCurrencyCode(to) || to === arrival.currency) return null;
    const from = arrival.currency;
    const amount = Money.parse(arrival.amount, from);
    if (amount.lessThan(Money.parse(this.minimum, from))) return null;
    const result = await this.commands.execute(
      new ExecuteSwapCommand(
        arrival.userId,
        autoConvertKeyOf(arrival),
        { from, to, amount },
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

/**
 * After the relay commits an arrival (best effort after the commit; the key makes a repeat harmless). Arrivals are
 * gathered for a moment and handled together, so a batch of a thousand transfers costs one preference query, not a
 * thousand that would crowd the relay's connections.
 */
@EventsHandler(PublishedEvent)
export class AutoConvertOnArrival implements IEventHandler<DomainEvent> {
  private readonly logger = new Logger('AutoConvert');
  private pending: Arrival[] = [];
  private scheduled = false;

  constructor(private readonly autoConvert: AutoConvert) {}

  handle(event: DomainEvent): void {
    const arrival = arrivalOf(event);
    if (!arrival) return;
    this.pending.push(arrival);
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      const batch = this.pending;
      this.pending = [];
      this.scheduled = false;
      this.autoConvert
        .convertAll(batch)
        .catch((error: unknown) => this.logger.warn(`Could not auto-convert arrivals: ${String(error)}`));
    }, 20);
  }
}
