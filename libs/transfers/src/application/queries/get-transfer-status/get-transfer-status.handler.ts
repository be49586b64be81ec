import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { TransferNotFoundError } from '../../../domain/transfer.errors';
import { TransferRepository } from '../../../infrastructure/transfer.repository';
import { toHistoryView, toTransferView } from '../../transfer-view';
import { GetTransferStatusQuery } from './get-transfer-status.query';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Only the sender or the recipient may see a transfer; for anyone else it does not exist (404). */
@QueryHandler(GetTransferStatusQuery)
export class GetTransferStatusHandler implements IQueryHandler<GetTransferStatusQuery> {
  constructor(private readonly transfers: TransferRepository) {}

  async execute({ userId, transferId }: GetTransferStatusQuery) {
    const found = UUID.test(transferId) ? await this.transfers.findForParticipant(transferId, userId) : null;
    if (!found) throw new TransferNotFoundError();
    return { transfer: toTransferView(found.transfer), history: toHistoryView(found.history) };
  }
}
