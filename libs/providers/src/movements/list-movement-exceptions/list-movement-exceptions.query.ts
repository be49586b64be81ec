import { Query } from '@nestjs/cqrs';
import type { MovementExceptionView } from '../movement-exception-view';

export interface MovementExceptionPage {
  exceptions: MovementExceptionView[];
  nextCursor: string | null;
}

/** Operators' list of movement exceptions, newest first (`status` null: every one). */
export class ListMovementExceptionsQuery extends Query<MovementExceptionPage> {
  constructor(
    readonly status: 'open' | 'resolved' | null,
    readonly limit: number,
    readonly cursor?: string,
  ) {
    super();
  }
}
