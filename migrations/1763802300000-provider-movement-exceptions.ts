import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Movements a provider completed that could not be booked as they should (the wallet cannot take the credit:
 * BALANCE_LIMIT_EXCEEDED, an amount out of range …). The provider's side is booked against a suspense account
 * (`suspense`/movement-exceptions, so the clearing account keeps mirroring the provider) and an operator sees the
 * exception here, instead of the booking being retried for ever. `provider_transaction` is the provider's final
 * report (amounts as decimal strings of minor units), from which a retry books it as it should have been.
 */
export class ProviderMovementExceptions1763802300000 implements MigrationInterface {
  name = 'ProviderMovementExceptions1763802300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE provider_movement_exceptions (
        id uuid PRIMARY KEY,
        movement_id uuid NOT NULL REFERENCES provider_movements (id),
        user_id uuid NOT NULL,
        kind text NOT NULL,
        provider text NOT NULL,
        currency text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        reason_code text NOT NULL,
        reason text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}',
        suspense_transaction_id uuid NOT NULL,
        provider_transaction jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'resolved')),
        resolution jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        CONSTRAINT provider_movement_exceptions_movement_key UNIQUE (movement_id),
        CONSTRAINT provider_movement_exceptions_resolved_check CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
      )`);
    // The operators' list, newest first, by status.
    await queryRunner.query(
      `CREATE INDEX provider_movement_exceptions_list_idx
         ON provider_movement_exceptions (status, created_at DESC, id DESC)`,
    );
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
