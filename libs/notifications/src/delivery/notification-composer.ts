import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { newId, AppConfig, OutboxWriter } from '#monay/shared';
import {
  categoryOf,
  DELIVERY_CHANNELS,
  isCritical,
  type NotificationChannel,
  type NotificationKind,
} from '../domain/notification-kinds';
import { quietUntil, type ChannelSwitches, type NotificationPreferences } from '../domain/preferences';
import type { NotificationCreatedPayload } from '../notification.events';
import type { NotificationIntent } from '../notification-templates';
import {
  NotificationsRepository,
  type NotificationDraft,
  type NotificationRecord,
} from '../notifications.repository';
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
    const [composed] = await this.composeMany(tx, [intent], now, only);
    return composed;
  }

  /**
   * {@link compose} for many intents at once, in order, in a fixed number of statements (the relay notifies a
   * batch's users together): preferences and devices read once, notifications, deliveries and NotificationCreated
   * events written once each.
   */
  async composeMany(
    tx: EntityManager,
    intents: readonly NotificationIntent[],
    now: Date,
    only?: NotificationChannel,
  ): Promise<Array<ComposedNotification | null>> {
    if (intents.length === 0) return [];
    const userIds = intents.map((intent) => intent.userId);
    const preferencesOf = await this.preferences.getMany(userIds, tx);
    const drafts = intents.map((intent) => this.draft(intent, preferencesOf.get(intent.userId)!, now, only));
    const pushing = drafts.filter((d) => d?.switches.push).map((d) => d!.intent.userId);
    const withDevices = pushing.length > 0 ? await this.devices.withDevices(pushing, tx) : new Set<string>();
    const planned = drafts.map((d) => (d ? this.plan(d, withDevices.has(d.intent.userId), now, only) : null));
    const created = new Map(
      (
        await this.notifications.insertMany(
          tx,
          planned.flatMap((p) => (p ? [p.notification] : [])),
        )
      ).map((record) => [record.id, record]),
    );
    const composed = planned.map((p): (ComposedNotification & { inApp: boolean }) | null => {
      const notification = p && created.get(p.notification.id);
      return notification ? { notification, deliveries: p.deliveries, inApp: p.inApp } : null;
    });
    await this.deliveries.plan(
      tx,
      composed.flatMap((c) => c?.deliveries ?? []),
    );
    await this.outbox.append(
      tx,
      composed.flatMap((c) => {
        if (!c?.inApp) return [];
        const created = c.notification;
        const payload: NotificationCreatedPayload = {
          notificationId: created.id,
          userId: created.userId,
          kind: created.kind,
          title: created.title,
          body: created.body,
          data: created.data,
          createdAt: created.createdAt.toISOString(),
        };
        return [
          {
            type: 'NotificationCreated' as const,
            aggregateId: created.id,
            userIds: [created.userId],
            payload,
          },
        ];
      }),
    );
    return composed.map((c) => (c ? { notification: c.notification, deliveries: c.deliveries } : null));
  }

  /** The channels the user wants this kind on; null when none. */
  private draft(
    intent: NotificationIntent,
    preferences: NotificationPreferences,
    now: Date,
    only: NotificationChannel | undefined,
  ) {
    const kind = intent.kind as NotificationKind;
    const switches: ChannelSwitches = only
      ? { in_app: only === 'in_app', email: only === 'email', sms: only === 'sms', push: only === 'push' }
      : preferences.channels[categoryOf(kind)];
    if (!Object.values(switches).some(Boolean)) return null;
    return { intent, kind, switches, preferences };
  }

  /** The notification in the user's language and its deliveries: quiet hours defer what is not critical. */
  private plan(
    draft: NonNullable<ReturnType<NotificationComposer['draft']>>,
    hasDevice: boolean,
    now: Date,
    only: NotificationChannel | undefined,
  ): { notification: NotificationDraft; deliveries: PlannedDelivery[]; inApp: boolean } {
    const { intent, kind, switches, preferences } = draft;
    const quiet = isCritical(kind) ? null : quietUntil(preferences.quietHours, now);
    // Escalation: a critical alert goes by push first; the SMS follows only if it was not opened meanwhile.
    const escalation = this.config.notifications.escalationMinutes;
    const escalateSms =
      !only && isCritical(kind) && escalation > 0 && switches.push && hasDevice && switches.sms;
    const text = render(kind, preferences.locale, intent.data);
    const notificationId = newId();
    const deliveries: PlannedDelivery[] = DELIVERY_CHANNELS.filter(
      (channel) => !only || channel === only,
    ).map((channel) => {
      const base = { id: newId(), notificationId, userId: intent.userId, channel, notBefore: now };
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
    });
    const channels = [
      ...(switches.in_app ? ['in_app'] : []),
      ...deliveries.filter((d) => d.status !== 'suppressed').map((d) => d.channel),
    ];
    return {
      notification: {
        id: notificationId,
        userId: intent.userId,
        kind,
        title: text.title,
        body: text.body,
        data: intent.data as Record<string, unknown>,
        dedupeKey: intent.dedupeKey,
        channels,
      },
      deliveries,
      inApp: switches.in_app,
    };
  }
}
