import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bill pay (libs/banking): the user's payees (a biller from the directory and their account number there, sealed) and
 * bill payments with their schedule on the banking calendar (run, sent, posted, and a sandbox reversal).
 */
export class BillPay1765500100000 implements MigrationInterface {
  name = 'BillPay1765500100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE bill_payees (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        biller_id text NOT NULL,
        account_number_sealed text NOT NULL,
        account_mask text NOT NULL,
        fingerprint text NOT NULL,
        nickname text NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX bill_payees_user_fingerprint_idx ON bill_payees (user_id, fingerprint)`,
    );
    await queryRunner.query(`
      CREATE TABLE bill_payments (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        payee_id uuid NOT NULL REFERENCES bill_payees (id),
        biller_id text NOT NULL,
        method text NOT NULL CHECK (method IN ('electronic', 'paper')),
        status text NOT NULL CHECK (status IN
          ('pending', 'processing', 'sent', 'posted', 'failed', 'reversed', 'cancelled')),
        currency text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        hold_id uuid NULL,
        ledger_transaction_id uuid NULL,
        reversal_transaction_id uuid NULL,
        failure_code text NULL,
        sandbox_outcome text NOT NULL,
        estimated_delivery date NOT NULL,
        deliver_by date NULL,
        run_at timestamptz NOT NULL,
        send_at timestamptz NOT NULL,
        post_at timestamptz NOT NULL,
        next_step_at timestamptz NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX bill_payments_user_idx ON bill_payments (user_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX bill_payments_due_idx ON bill_payments (next_step_at) WHERE next_step_at IS NOT NULL`,
    );
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
