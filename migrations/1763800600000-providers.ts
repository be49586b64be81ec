import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Provider wallets (ours) and the sandbox providers' own vendor-side state. */
export class Providers1763800600000 implements MigrationInterface {
  name = 'Providers1763800600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    void queryRunner;
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
