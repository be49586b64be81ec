import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';

export interface PushDevice {
  id: string;
  userId: string;
  token: string;
  platform: 'ios' | 'android' | 'web';
  createdAt: Date;
}

interface DeviceRow {
  id: string;
  user_id: string;
  token: string;
  platform: PushDevice['platform'];
  created_at: Date;
}

const toDevice = (row: DeviceRow): PushDevice => ({
  id: row.id,
  userId: row.user_id,
  token: row.token,
  platform: row.platform,
  createdAt: row.created_at,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Push device tokens, registered by their users; a token the push service no longer knows is pruned. */
@Injectable()
export class DevicesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Registering a token twice returns the first registration. */
  async register(userId: string, token: string, platform: PushDevice['platform']): Promise<PushDevice> {
    const rows = (await this.dataSource.query(
      `INSERT INTO notification_devices (id, user_id, token, platform) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id, token) DO UPDATE SET platform = EXCLUDED.platform, removed_at = NULL
       RETURNING id, user_id, token, platform, created_at`,
      [randomUUID(), userId, token, platform],
    )) as DeviceRow[];
    return toDevice(rows[0]);
  }

  async list(userId: string, tx?: EntityManager): Promise<PushDevice[]> {
    const rows = (await (tx ?? this.dataSource).query(
      `SELECT id, user_id, token, platform, created_at FROM notification_devices
        WHERE user_id = $1 AND removed_at IS NULL ORDER BY created_at, id`,
      [userId],
    )) as DeviceRow[];
    return rows.map(toDevice);
  }

  /** Which of these users have at least one push device. */
  async withDevices(userIds: readonly string[], tx?: EntityManager): Promise<Set<string>> {
    const rows = (await (tx ?? this.dataSource).query(
      `SELECT DISTINCT user_id FROM notification_devices WHERE user_id = ANY($1::uuid[]) AND removed_at IS NULL`,
      [[...new Set(userIds)]],
    )) as Array<{ user_id: string }>;
    return new Set(rows.map((row) => row.user_id));
  }

  /** False for another user's or an unknown id; removing twice is fine. */
  async remove(userId: string, id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const [, count] = (await this.dataSource.query(
      `UPDATE notification_devices SET removed_at = coalesce(removed_at, now()) WHERE id = $1 AND user_id = $2`,
      [id, userId],
    )) as [unknown, number];
    return count > 0;
  }

  /** The push service said the token is gone (UNREGISTERED): forget it. */
  async prune(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_devices SET removed_at = coalesce(removed_at, now()) WHERE id = $1`,
      [id],
    );
  }
}
