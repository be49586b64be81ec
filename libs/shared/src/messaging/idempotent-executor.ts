import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import { IdempotencyStore, IdempotentRequest, StoredResponse } from './idempotency';

export interface IdempotentResult extends StoredResponse {
  replayed: boolean;
}

/**
 * Runs a money-moving use case once per Idempotency-Key: the key, the work and the stored answer commit
 * in one transaction. If the work throws, everything (the key too) rolls back and a retry runs afresh;
 * outcomes the client must see again (a refused transfer) are returned as responses, not thrown.
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
    work: (tx: EntityManager) => Promise<StoredResponse>,
  ): Promise<IdempotentResult> {
    return this.uow.run(async (tx) => {
      const claim = await this.store.claim(tx, request);
      if (claim.outcome === 'replay') return { ...claim.response, replayed: true };
      const response = await work(tx);
      await this.store.complete(tx, request, response);
      return { ...response, replayed: false };
    });
  }
}
