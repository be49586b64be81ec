import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notification delivery (libs/notifications): one row per (notification, channel) with its status, vendor message
 * id, attempts and last error; the users' preferences (category × channel, quiet hours, locale); push device
 * tokens; the vendor sandboxes' switchable modes; balance monitors. `notifications.deliveries` (jsonb, never
 * written) stays unused: a table per delivery can be claimed, indexed and updated by the vendor's callbacks.
 */
export class NotificationDelivery1765300000000 implements MigrationInterface {
  name = 'NotificationDelivery1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE notification_deliveries (
        id uuid PRIMARY KEY,
        notification_id uuid NOT NULL REFERENCES notifications (id),
        user_id uuid NOT NULL,
        channel text NOT NULL CHECK (channel IN ('email', 'sms', 'push')),
        status text NOT NULL CHECK (status IN ('queued', 'sending', 'retrying', 'sent', 'delivered', 'failed',
          'undelivered', 'suppressed', 'deferred', 'dead_lettered')),
        reason text NULL,
        not_before timestamptz NOT NULL,
        enqueued_at timestamptz NULL,
        attempts integer NOT NULL DEFAULT 0,
        vendor_message_id text NULL,
        error_code text NULL,
        last_error text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (notification_id, channel)
      )`);
    await queryRunner.query(
      `CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (not_before)
        WHERE status IN ('queued', 'deferred')`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX notification_deliveries_vendor_idx ON notification_deliveries (channel, vendor_message_id)
        WHERE vendor_message_id IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE notification_preferences (
        user_id uuid PRIMARY KEY,
        channels jsonb NOT NULL DEFAULT '{}'::jsonb,
        quiet_hours jsonb NULL,
        locale text NOT NULL DEFAULT 'en',
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE notification_devices (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        token text NOT NULL,
        platform text NOT NULL CHECK (platform IN ('ios', 'android', 'web')),
        created_at timestamptz NOT NULL DEFAULT now(),
        removed_at timestamptz NULL,
        UNIQUE (user_id, token)
      )`);
    await queryRunner.query(`
      CREATE TABLE notification_sandbox_modes (
        channel text PRIMARY KEY CHECK (channel IN ('email', 'sms', 'push')),
        mode text NOT NULL CHECK (mode IN ('healthy', 'outage'))
      )`);
    await queryRunner.query(`
      CREATE TABLE notification_status_callbacks (
        message_sid text NOT NULL,
        status text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (message_sid, status)
      )`);
    await queryRunner.query(`
      CREATE TABLE balance_monitors (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        currency text NOT NULL,
        condition text NOT NULL CHECK (condition IN ('below', 'above')),
        threshold numeric(38, 0) NOT NULL CHECK (threshold >= 0),
        state text NOT NULL DEFAULT 'armed' CHECK (state IN ('armed', 'fired')),
        crossings integer NOT NULL DEFAULT 0,
        last_fired_at timestamptz NULL,
        deleted_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX balance_monitors_user_idx ON balance_monitors (user_id, currency) WHERE deleted_at IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE balance_monitor_checks (
        user_id uuid PRIMARY KEY,
        requested_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
