import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleInit,
} from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Money, type CurrencyCode } from '#monay/kernel';
import {
  AppConfig,
  Clock,
  EventConsumers,
  UnitOfWork,
  type DomainEvent,
  type EventConsumer,
  type MoneyMovementEventName,
} from '#monay/shared';
import { WalletReports } from '#monay/wallet';
import { DeliveryDispatcher } from '../delivery/delivery-dispatcher';
import { NotificationComposer } from '../delivery/notification-composer';
import { BalanceMonitorsRepository, type BalanceMonitor } from './balance-monitors.repository';

/** Every money movement changes someone's balance (a request's hold changes what is available). */
export const MOVEMENTS: ReadonlySet<MoneyMovementEventName> = new Set<MoneyMovementEventName>([
  'FundsTransferred',
  'TransferFailed',
  'BatchTransferCompleted',
  'DepositInitiated',
  'DepositCompleted',
  'DepositFailed',
  'WithdrawalRequested',
  'WithdrawalCompleted',
  'WithdrawalFailed',
  'ExternalTransferRequested',
  'ExternalTransferCompleted',
  'ExternalTransferFailed',
  'SwapRequested',
  'SwapCompleted',
  'SwapFailed',
  'WalletCredited',
  'BankTransferRequested',
  'BankTransferSettled',
  'BankTransferFailed',
  'BankTransferReturned',
  'BillPaymentRequested',
  'BillPaymentSent',
  'BillPaymentFailed',
  'BillPaymentReversed',
]);

/** Whether `available` meets the monitor's condition. */
export function conditionHolds(
  monitor: Pick<BalanceMonitor, 'condition' | 'threshold'>,
  available: bigint,
): boolean {
  return monitor.condition === 'below' ? available < monitor.threshold : available > monitor.threshold;
}

/**
 * Balance monitors: an {@link EventConsumer} of every money movement remembers, in the relay's transaction, that
 * the users it moved (those with monitors) need a look; after the commit the evaluator reads their balances (the
 * wallet's query, not the ledger's tables) and moves each monitor between `armed` and `fired`. Firing is a
 * transition, so a monitor fires once per crossing — not on every transaction while the balance stays below —
 * and is armed again when the balance comes back.
 */
@Injectable()
export class BalanceMonitorEvaluator
  implements
    EventConsumer<MoneyMovementEventName>,
    OnModuleInit,
    OnApplicationBootstrap,
    BeforeApplicationShutdown
{
  readonly name = 'notifications.balance-monitors';
  readonly types = MOVEMENTS;
  private readonly logger = new Logger('BalanceMonitors');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** This process's relay remembered a check since the last look it started. */
  private requested = false;

  constructor(
    private readonly config: AppConfig,
    private readonly consumers: EventConsumers,
    private readonly monitors: BalanceMonitorsRepository,
    private readonly wallets: WalletReports,
    private readonly uow: UnitOfWork,
    private readonly composer: NotificationComposer,
    private readonly dispatcher: DeliveryDispatcher,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.consumers.register(this);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), this.config.notifications.dispatchIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  async apply(tx: EntityManager, event: DomainEvent<MoneyMovementEventName>): Promise<void> {
    if ((await this.monitors.requestChecks(tx, event.userIds)) > 0) this.requested = true;
  }

  async applyAll(
    tx: EntityManager,
    events: ReadonlyArray<DomainEvent<MoneyMovementEventName>>,
  ): Promise<void> {
    const userIds = [...new Set(events.flatMap((event) => event.userIds))];
    if ((await this.monitors.requestChecks(tx, userIds)) > 0) this.requested = true;
  }

  /**
   * After the relay commits: looks only if its batch remembered a user with a monitor (most movements move no one's
   * monitored balance). Checks remembered by another process are found by the timer.
   */
  afterPublish(): void {
    if (!this.requested) return;
    this.requested = false;
    this.kick();
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.evaluatePending()
      .then(() => undefined)
      .catch((error: Error) => {
        if (!this.stopped) this.logger.warn(`evaluate: ${error.message}`);
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Evaluates the monitors of every user whose balance changed; returns how many fired. */
  async evaluatePending(): Promise<number> {
    let fired = 0;
    for (;;) {
      const users = await this.monitors.takeChecks(50);
      for (const userId of users) fired += await this.evaluate(userId);
      if (users.length < 50) break;
    }
    if (fired > 0) this.dispatcher.kick();
    return fired;
  }

  private async evaluate(userId: string): Promise<number> {
    const monitors = await this.monitors.list(userId);
    if (monitors.length === 0) return 0;
    const report = await this.wallets.balance(userId);
    const now = this.clock.now();
    let fired = 0;
    for (const monitor of monitors) {
      const line = report.balances.find((b) => b.currency === monitor.currency);
      const code = monitor.currency as CurrencyCode;
      const available = line ? Money.parse(line.available, code).minor : 0n;
      const holds = conditionHolds(monitor, available);
      await this.uow.run(async (tx) => {
        const moved = await this.monitors.transition(tx, monitor.id, holds ? 'fired' : 'armed', now);
        if (!moved || moved.state !== 'fired') return;
        fired += 1;
        await this.composer.compose(
          tx,
          {
            userId,
            kind: monitor.condition === 'below' ? 'balance.low' : 'balance.high',
            data: {
              monitorId: monitor.id,
              currency: monitor.currency,
              threshold: Money.of(monitor.threshold, code).toDecimalString(),
              balance: Money.of(available, code).toDecimalString(),
            },
            dedupeKey: `balance-monitor:${monitor.id}:${moved.crossings}`,
          },
          now,
        );
      });
    }
    return fired;
  }
}
