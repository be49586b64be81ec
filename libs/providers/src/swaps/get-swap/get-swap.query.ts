import { Query } from '@nestjs/cqrs';
import type { Movement } from '../../domain/movement';

/** The owner's swap (anyone else's, or a malformed id: not found). */
export class GetSwapQuery extends Query<Movement> {
  constructor(
    readonly userId: string,
    readonly swapId: string,
  ) {
    super();
  }
}
