import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { MovementRepository } from '../movement.repository';
import { externalTransferHistory, toExternalTransferView } from '../external-transfer-view';
import { GetExternalTransferQuery } from './get-external-transfer.query';

@QueryHandler(GetExternalTransferQuery)
export class GetExternalTransferHandler implements IQueryHandler<GetExternalTransferQuery> {
  constructor(private readonly movements: MovementRepository) {}

  async execute({ userId, transferId }: GetExternalTransferQuery) {
    const movement =
      (await this.movements.findOwned(userId, 'external_transfer', transferId)) ??
      (await this.movements.findOwned(userId, 'batch', transferId));
    if (!movement) return null;
    return { transfer: toExternalTransferView(movement), history: externalTransferHistory(movement) };
  }
}
