import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Swap quotes and swaps. */
export class Swaps1763800800000 implements MigrationInterface {
  name = 'Swaps1763800800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // OUR quotes: what a user was offered (the provider's quote behind it, and the user's share of its delivery,
    // U = floor((amount_in − fee) × rate) ≤ P ≤ U + 1). A swap itself is a provider movement of kind 'swap'
    // (provider_movements); `movement_id` is the swap executing the quote (executed once: a swap that failed
    // with nothing moved frees it again).
    await queryRunner.query(`
      CREATE TABLE swap_quotes (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        provider text NOT NULL,
        provider_quote_id text NOT NULL,
        from_currency text NOT NULL,
        to_currency text NOT NULL,
        amount_in bigint NOT NULL,
        rate text NOT NULL,
        fee bigint NOT NULL,
        amount_out_provider bigint NOT NULL,
        amount_out_user bigint NOT NULL,
        expires_at timestamptz NOT NULL,
        request_key text,
        movement_id uuid,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT swap_quotes_provider_check CHECK (provider IN ('tempo', 'circle', 'monay')),
        CONSTRAINT swap_quotes_pair_check CHECK (from_currency <> to_currency),
        CONSTRAINT swap_quotes_amount_in_check CHECK (amount_in > 0),
        CONSTRAINT swap_quotes_fee_check CHECK (fee >= 0 AND fee < amount_in),
        CONSTRAINT swap_quotes_rounding_check
          CHECK (amount_out_user > 0 AND amount_out_provider BETWEEN amount_out_user AND amount_out_user + 1),
        CONSTRAINT swap_quotes_used_check CHECK ((movement_id IS NULL) = (used_at IS NULL))
      )`);
    // The owner's quotes, newest first.
    await queryRunner.query(`CREATE INDEX swap_quotes_owner_idx ON swap_quotes (user_id, created_at DESC)`);
    // The quote a `POST /swap {from, to, amount}` made for its Idempotency-Key (a retry with the key reuses it).
    await queryRunner.query(
      `CREATE INDEX swap_quotes_request_key_idx ON swap_quotes (user_id, request_key, created_at DESC)
        WHERE request_key IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX swap_quotes_movement_idx ON swap_quotes (movement_id) WHERE movement_id IS NOT NULL`,
    );
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
