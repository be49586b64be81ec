import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CachedRead } from '#monay/shared';
import type { DeliveryChannel } from '../domain/notification-kinds';

export const SANDBOX_MODES = ['healthy', 'outage'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];

/** How long a process trusts its copy of the modes before reading them again (as the providers' sandboxes do). */
export const MODES_CACHE_MS = 250;

/**
 * Whether a vendor sandbox (the embedded SMTP server, the SMS and push sandboxes) is in an outage, as an admin
 * set it: kept in the database so that API processes and workers see the same switch. Each process keeps a copy
 * for at most {@link MODES_CACHE_MS} (every message asks; a read per message was two statements per transfer) and
 * updates its own copy at once when it changes a mode.
 */
@Injectable()
export class SandboxModes {
  private readonly current = new CachedRead(async () => {
    const rows = (await this.dataSource.query(
      `SELECT channel, mode FROM notification_sandbox_modes`,
    )) as Array<{
      channel: DeliveryChannel;
      mode: SandboxMode;
    }>;
    return new Map(rows.map((row) => [row.channel, row.mode]));
  }, MODES_CACHE_MS);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async of(channel: DeliveryChannel): Promise<SandboxMode> {
    return (await this.current.get()).get(channel) ?? 'healthy';
  }

  async set(channel: DeliveryChannel, mode: SandboxMode): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO notification_sandbox_modes (channel, mode) VALUES ($1, $2)
       ON CONFLICT (channel) DO UPDATE SET mode = EXCLUDED.mode`,
      [channel, mode],
    );
    (await this.current.get()).set(channel, mode);
  }

  async all(): Promise<Record<DeliveryChannel, SandboxMode>> {
    return { email: await this.of('email'), sms: await this.of('sms'), push: await this.of('push') };
  }
}
