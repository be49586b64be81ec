import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { MovementNotFoundError } from '../../domain/movement.errors';
import { MovementRepository } from '../movement.repository';
import { GetMovementQuery } from './get-movement.query';

@QueryHandler(GetMovementQuery)
export class GetMovementHandler implements IQueryHandler<GetMovementQuery> {
  constructor(private readonly movements: MovementRepository) {}

  async execute({ userId, kind, movementId }: GetMovementQuery) {
    const movement = await this.movements.findOwned(userId, kind, movementId);
    if (!movement) throw new MovementNotFoundError(kind === 'deposit' ? 'Deposit' : 'Withdrawal');
    return movement;
  }
}
