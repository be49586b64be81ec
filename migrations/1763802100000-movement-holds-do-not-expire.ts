import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hold of a money movement through a provider lives as long as the movement is unsettled: the movement's
 * settlement posts or voids it. Holds placed before carried an expiry (a day after the poller's bound), which
 * the expiry job honoured whatever the movement's state — voiding funds a provider was still paying out.
 * Pending holds of movements still pending or processing lose that expiry. (Data only: nothing is dropped.)
 */
export class MovementHoldsDoNotExpire1763802100000 implements MigrationInterface {
  name = 'MovementHoldsDoNotExpire1763802100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE ledger_transactions t SET expires_at = NULL
         FROM provider_movements m
        WHERE m.hold_id = t.id AND t.status = 'pending' AND t.expires_at IS NOT NULL
          AND m.status IN ('pending', 'processing')`,
    );
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
