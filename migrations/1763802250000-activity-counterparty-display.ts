import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How a history line shows its counterparty when that must not be the counterparty's user id: a sender's
 * outgoing transfer shows the masked form of what the sender typed ("d***@e***.com"), never the recipient's id.
 */
export class ActivityCounterpartyDisplay1763802250000 implements MigrationInterface {
  name = 'ActivityCounterpartyDisplay1763802250000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE activity ADD COLUMN counterparty_display text NULL`);
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
