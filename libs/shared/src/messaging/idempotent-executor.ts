import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Guard, SqlWrite } from '../database/sql-write';
import { isRetryable, UnitOfWork } from '../database/unit-of-work';
import { IdempotencyStore, IdempotentRequest, StoredResponse } from './idempotency';

export interface IdempotentResult extends StoredResponse {
  replayed: boolean;
}

/**
 * Lets the work store its answer itself, in its last statement, instead of the executor storing it in one of its
 * own after the work: `write(response)` is the UPDATE that stores `response` with the key, for the work to run as
 * part of its last statement (a CTE, {@link combineWrites}); the work must then write nothing more and return that
 * very response. A work that does not ask for it gets its answer stored by the executor.
 */
export class IdempotentCompletion {
  private written: StoredResponse | undefined;

  constructor(
    private readonly store: IdempotencyStore,
    private readonly request: IdempotentRequest,
  ) {}

  write(response: StoredResponse): SqlWrite {
    this.written = response;
    return this.store.completion(this.request, response);
  }

  /** Whether the work took the write for exactly `response` (then it is stored already). */
  storedAs(response: StoredResponse): boolean {
    if (this.written === undefined) return false;
    if (this.written !== response) {
      throw new Error('The work stored an answer other than the one it returned');
    }
    return true;
  }
}

/**
 * Runs a money-moving use case once per Idempotency-Key: the key, the work and the stored answer commit
 * in one transaction. If the work throws, everything (the key too) rolls back and a retry runs afresh;
 * outcomes the client must see again (a refused transfer) are returned as responses, not thrown. The answer is
 * stored by the work's own last statement when it asks for that ({@link IdempotentCompletion}), saving a round trip.
 */
@Injectable()
export class IdempotentExecutor {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly store: IdempotencyStore,
  ) {}

  /**
   * Whether a request with this key and body was already answered, so that running it again only replays the
   * stored answer. Checks that must not stand between a client and its stored answer (a step-up demanded before
   * a money move) ask this first: the documented contract is "same key, same body, same answer".
   */
  answered(request: IdempotentRequest): Promise<boolean> {
    return this.store.answered(this.uow.manager, request);
  }

  execute(
    request: IdempotentRequest,
    work: (tx: EntityManager, completion: IdempotentCompletion) => Promise<StoredResponse>,
  ): Promise<IdempotentResult> {
    return this.uow.run(async (tx) => {
      const claim = await this.store.claim(tx, request);
      if (claim.outcome === 'replay') return { ...claim.response, replayed: true };
      const completion = new IdempotentCompletion(this.store, request);
      const response = await work(tx, completion);
      if (!completion.storedAs(response)) await this.store.complete(tx, request, response);
      return { ...response, replayed: false };
    });
  }

  /**
   * {@link execute}, first tried as ONE all-or-nothing statement outside any transaction: `attempt` runs it with
   * `claim` (the key stored with its answer, as a guard) and returns the answer, or undefined when the statement
   * refused and wrote nothing (the key exists, funds or a limit refused). Then `work` runs as {@link execute} does:
   * it replays the key or records the refusal. Most requests cost one round trip instead of a transaction's five.
   */
  async executeAtOnce(
    request: IdempotentRequest,
    attempt: (
      manager: EntityManager,
      claim: (response: StoredResponse) => Guard,
    ) => Promise<StoredResponse | undefined>,
    work: (tx: EntityManager, completion: IdempotentCompletion) => Promise<StoredResponse>,
  ): Promise<IdempotentResult> {
    try {
      const response = await attempt(this.uow.manager, (answer) => this.store.claimAnswered(request, answer));
      if (response) return { ...response, replayed: false };
    } catch (error) {
      // A deadlock victim wrote nothing either: the transaction (retried whole) takes over.
      if (!isRetryable(error)) throw error;
    }
    return this.execute(request, work);
  }
}
