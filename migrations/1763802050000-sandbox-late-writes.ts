import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sandbox providers' `late` behaviour in timeout mode: the write of a timed-out call lands `late_by_ms` after
 * the caller's timeout (null: half the call timeout), after the caller's status query — the request that reaches
 * a provider late and is paid there, which the router must never pay a second time elsewhere.
 */
export class SandboxLateWrites1763802050000 implements MigrationInterface {
  name = 'SandboxLateWrites1763802050000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE sandbox_provider_settings ADD COLUMN late boolean NOT NULL DEFAULT false`,
    );
    await queryRunner.query(
      `ALTER TABLE sandbox_provider_settings ADD COLUMN late_by_ms integer
         CONSTRAINT sandbox_provider_settings_late_by_ms_check CHECK (late_by_ms IS NULL OR late_by_ms >= 0)`,
    );
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
