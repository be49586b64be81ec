import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppConfig, OutboxWriter } from '#monay/shared';
import {
  categoryOf,
  DELIVERY_CHANNELS,
  isCritical,
  type NotificationChannel,
  type NotificationKind,
} from '../domain/notification-kinds';
import { quietUntil, type ChannelSwitches } from '../domain/preferences';
import type { NotificationCreatedPayload } from '../notification.events';
import type { NotificationIntent } from '../notification-templates';
import { NotificationsRepository, type NotificationRecord } from '../notifications.repository';
import { PreferencesRepository } from '../preferences/preferences.repository';
import { DevicesRepository } from '../devices/devices.repository';
import { render } from '../templates/messages';
import { DeliveriesRepository, type PlannedDelivery } from './deliveries.repository';

export interface ComposedNotification {
  notification: NotificationRecord;
  deliveries: PlannedDelivery[];
}

/**
 * Turns an intent into a stored notification and its deliveries, in the caller's transaction (the relay's, for
 * events): the user's preferences pick the channels, quiet hours defer what is not critical, the user's language
 * renders the text. A NotificationCreated event (the socket) is written when the inbox gets it. The deliveries
 * are sent by jobs that the {@link DeliveryDispatcher} adds after the commit.
 */
@Injectable()
export class NotificationComposer {
  constructor(
    private readonly config: AppConfig,
    private readonly notifications: NotificationsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly preferences: PreferencesRepository,
    private readonly devices: DevicesRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * `only`: the channel a test notification goes through, whatever the preferences say. Null when the user wants
   * this kind nowhere (marketing they did not opt in to), or already has it (the intent's dedupe key).
   */
  async compose(
    tx: EntityManager,
    intent: NotificationIntent,
    now: Date,
    only?: NotificationChannel,
  ): Promise<ComposedNotification | null> {
    const preferences = await this.preferences.get(intent.userId, tx);
    const kind = intent.kind as NotificationKind;
    const switches: ChannelSwitches = only
      ? { in_app: only === 'in_app', email: only === 'email', sms: only === 'sms', push: only === 'push' }
      : preferences.channels[categoryOf(kind)];
    if (!Object.values(switches).some(Boolean)) return null;
    const hasDevice = switches.push ? (await this.devices.list(intent.userId, tx)).length > 0 : false;
    const quiet = isCritical(kind) ? null : quietUntil(preferences.quietHours, now);
    // Escalation: a critical alert goes by push first; the SMS follows only if it was not opened meanwhile.
    const escalation = this.config.notifications.escalationMinutes;
    const escalateSms =
      !only && isCritical(kind) && escalation > 0 && switches.push && hasDevice && switches.sms;
    const text = render(kind, preferences.locale, intent.data);
    const notificationId = randomUUID();
    const planned: PlannedDelivery[] = DELIVERY_CHANNELS.filter((channel) => !only || channel === only).map(
      (channel) => {
        const base = { id: randomUUID(), notificationId, userId: intent.userId, channel, notBefore: now };
        if (!switches[channel]) return { ...base, status: 'suppressed', reason: 'preference' };
        if (channel === 'push' && !hasDevice) return { ...base, status: 'suppressed', reason: 'no_device' };
        if (quiet) return { ...base, status: 'deferred', reason: 'quiet_hours', notBefore: quiet };
        if (channel === 'sms' && escalateSms) {
          return {
            ...base,
            status: 'deferred',
            reason: 'escalation',
            notBefore: new Date(now.getTime() + escalation * 60_000),
          };
        }
        return { ...base, status: 'queued', reason: null };
      },
    );
    const channels = [
      ...(switches.in_app ? ['in_app'] : []),
      ...planned.filter((d) => d.status !== 'suppressed').map((d) => d.channel),
    ];
    const created = await this.notifications.insert(tx, {
      id: notificationId,
      userId: intent.userId,
      kind,
      title: text.title,
      body: text.body,
      data: intent.data as Record<string, unknown>,
      dedupeKey: intent.dedupeKey,
      channels,
    });
    if (!created) return null;
    await this.deliveries.plan(tx, planned);
    if (switches.in_app) {
      const payload: NotificationCreatedPayload = {
        notificationId: created.id,
        userId: created.userId,
        kind: created.kind,
        title: created.title,
        body: created.body,
        data: created.data,
        createdAt: created.createdAt.toISOString(),
      };
      await this.outbox.append(tx, [
        { type: 'NotificationCreated', aggregateId: created.id, userIds: [created.userId], payload },
      ]);
    }
    return { notification: created, deliveries: planned };
  }
}
