import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Locale } from '../domain/notification-kinds';
import {
  DEFAULT_PREFERENCES,
  withDefaults,
  type NotificationPreferences,
  type QuietHours,
} from '../domain/preferences';

interface PreferencesRow {
  channels: Record<string, Record<string, boolean>>;
  quiet_hours: QuietHours | null;
  locale: Locale;
}

/** The users' notification preferences; a user who never changed them has the defaults. */
@Injectable()
export class PreferencesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get(userId: string, tx?: EntityManager): Promise<NotificationPreferences> {
    return (await this.getMany([userId], tx)).get(userId) ?? DEFAULT_PREFERENCES;
  }

  /** Each user's preferences in one statement (a relay batch notifies hundreds of users). */
  async getMany(
    userIds: readonly string[],
    tx?: EntityManager,
  ): Promise<Map<string, NotificationPreferences>> {
    const rows = (await (tx ?? this.dataSource).query(
      `SELECT user_id, channels, quiet_hours, locale FROM notification_preferences WHERE user_id = ANY($1::uuid[])`,
      [[...new Set(userIds)]],
    )) as Array<PreferencesRow & { user_id: string }>;
    const found = new Map(
      rows.map((row): [string, NotificationPreferences] => [
        row.user_id,
        { channels: withDefaults(row.channels), quietHours: row.quiet_hours, locale: row.locale },
      ]),
    );
    return new Map(
      userIds.map((id) => [id, found.get(id.toLowerCase()) ?? found.get(id) ?? DEFAULT_PREFERENCES]),
    );
  }

  async save(userId: string, preferences: NotificationPreferences): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO notification_preferences (user_id, channels, quiet_hours, locale, updated_at)
       VALUES ($1, $2::jsonb, $3::jsonb, $4, now())
       ON CONFLICT (user_id) DO UPDATE
         SET channels = EXCLUDED.channels, quiet_hours = EXCLUDED.quiet_hours, locale = EXCLUDED.locale,
             updated_at = now()`,
      [
        userId,
        JSON.stringify(preferences.channels),
        preferences.quietHours ? JSON.stringify(preferences.quietHours) : null,
        preferences.locale,
      ],
    );
  }
}
