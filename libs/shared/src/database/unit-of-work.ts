import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { forgetHeldSince, heldOutboxMark } from '../messaging/outbox';

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected
const MAX_ATTEMPTS = 5;

/**
 * One database transaction per use case. Repositories receive its `tx`; nothing inside may wait on
 * another connection. A serialization failure or deadlock (PostgreSQL picks a victim) is retried whole.
 */
@Injectable()
export class UnitOfWork {
  private savepoints = 0;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async run<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dataSource.transaction(work);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
  }

  /**
   * A savepoint inside `tx`: if `work` throws, only its own writes are undone (and the events it appended, if the
   * transaction holds its events: holdOutboxWrites). When it succeeds the savepoint is left for the transaction's
   * COMMIT to release (a `RELEASE SAVEPOINT` would only cost a round trip).
   */
  async savepoint<T>(tx: EntityManager, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const name = `uow_${(this.savepoints += 1)}`;
    await tx.query(`SAVEPOINT ${name}`);
    const held = heldOutboxMark(tx);
    try {
      return await work(tx);
    } catch (error) {
      forgetHeldSince(tx, held);
      try {
        await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
      } catch {
        // The transaction is beyond a savepoint's help (the connection is gone): the original error says why.
      }
      throw error;
    }
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }
}

/** A serialization failure or a deadlock: the transaction did nothing and may be run again. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: string }).code;
  return code !== undefined && RETRYABLE.has(code);
}
