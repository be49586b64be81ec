import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the user proved they own their email address (NULL: never). Roles granted by configuration
 * (ADMIN_EMAILS) apply only to a verified address; the verification flow itself comes later.
 */
export class EmailVerification1763802000000 implements MigrationInterface {
  name = 'EmailVerification1763802000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users ADD COLUMN email_verified_at timestamptz NULL`);
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
