import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { PublishedEvent, type DomainEvent } from '#monay/shared';
import { DeliveryDispatcher } from './delivery/delivery-dispatcher';
import { BalanceMonitorEvaluator, MOVEMENTS } from './monitors/balance-monitor-evaluator';
import { NOTIFYING_EVENT_TYPES } from './notification-templates';

/**
 * After the relay commits a batch: deliveries planned with a notification are handed to the job queue at once,
 * and balances that moved are checked against their monitors (both also run on a timer, which catches what a
 * process that did not relay the event planned).
 */
@EventsHandler(PublishedEvent)
export class AfterPublishHandler implements IEventHandler<DomainEvent> {
  constructor(
    private readonly dispatcher: DeliveryDispatcher,
    private readonly monitors: BalanceMonitorEvaluator,
  ) {}

  handle(event: DomainEvent): void {
    const type = event.type as string;
    if (type === 'NotificationCreated' || (NOTIFYING_EVENT_TYPES as ReadonlySet<string>).has(type)) {
      this.dispatcher.kick();
    }
    if ((MOVEMENTS as ReadonlySet<string>).has(type)) this.monitors.afterPublish();
  }
}
