import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The delivery dispatcher looks, on every pass, for deliveries due (`notification_deliveries_due_idx`) OR claimed
 * for sending more than two minutes ago by a process that died. The second half had no index, so every pass read
 * the whole table: 8 ms at 35,000 deliveries in the bench, growing with every notification ever sent. With this
 * partial index (a claim is short-lived, so it holds only the deliveries being sent right now) both halves are index
 * scans.
 */
export class StaleDeliveryClaims1766100000000 implements MigrationInterface {
  name = 'StaleDeliveryClaims1766100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX notification_deliveries_sending_idx ON notification_deliveries (updated_at)
        WHERE status = 'sending'`,
    );
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
