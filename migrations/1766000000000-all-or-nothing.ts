import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `all_or_nothing(passed)`: true, or the statement fails with SQLSTATE MN001 when `passed` is not true. A money
 * movement sent as ONE autocommit statement (LedgerService.postAtOnce: the idempotency claim, the limits, the
 * guarded balances, the transfer and its event) ends with it, so that a refused guard writes nothing at all.
 */
export class AllOrNothing1766000000000 implements MigrationInterface {
  name = 'AllOrNothing1766000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION all_or_nothing(passed boolean) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF passed IS NOT TRUE THEN
          RAISE EXCEPTION 'a guarded write refused: the statement writes nothing' USING ERRCODE = 'MN001';
        END IF;
        RETURN true;
      END;
      $$`);
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
