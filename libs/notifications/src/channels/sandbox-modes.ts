import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DeliveryChannel } from '../domain/notification-kinds';

export const SANDBOX_MODES = ['healthy', 'outage'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];

/**
 * Whether a vendor sandbox (the embedded SMTP server, the SMS and push sandboxes) is in an outage, as an admin
 * set it: kept in the database so that API processes and workers see the same switch.
 */
@Injectable()
export class SandboxModes {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async of(channel: DeliveryChannel): Promise<SandboxMode> {
    const rows = (await this.dataSource.query(
      `SELECT mode FROM notification_sandbox_modes WHERE channel = $1`,
      [channel],
    )) as Array<{ mode: SandboxMode }>;
    return rows[0]?.mode ?? 'healthy';
  }

  async set(channel: DeliveryChannel, mode: SandboxMode): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO notification_sandbox_modes (channel, mode) VALUES ($1, $2)
       ON CONFLICT (channel) DO UPDATE SET mode = EXCLUDED.mode`,
      [channel, mode],
    );
  }

  async all(): Promise<Record<DeliveryChannel, SandboxMode>> {
    return { email: await this.of('email'), sms: await this.of('sms'), push: await this.of('push') };
  }
}
