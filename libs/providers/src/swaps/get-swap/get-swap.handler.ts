import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { SwapNotFoundError } from '../../domain/swap.errors';
import { MovementRepository } from '../../movements/movement.repository';
import { GetSwapQuery } from './get-swap.query';

@QueryHandler(GetSwapQuery)
export class GetSwapHandler implements IQueryHandler<GetSwapQuery> {
  constructor(private readonly movements: MovementRepository) {}

  async execute({ userId, swapId }: GetSwapQuery) {
    const movement = await this.movements.findOwned(userId, 'swap', swapId);
    if (!movement) throw new SwapNotFoundError();
    return movement;
  }
}
