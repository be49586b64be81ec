import { Query } from '@nestjs/cqrs';
import type { Movement } from '../../domain/movement';

/** The owner's deposit or withdrawal (anyone else's, or a malformed id: not found). */
export class GetMovementQuery extends Query<Movement> {
  constructor(
    readonly userId: string,
    readonly kind: 'deposit' | 'withdrawal',
    readonly movementId: string,
  ) {
    super();
  }
}
