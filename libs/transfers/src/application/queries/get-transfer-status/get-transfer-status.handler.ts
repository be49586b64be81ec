import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ExternalPayments } from '#monay/providers';
import { TransferNotFoundError } from '../../../domain/transfer.errors';
import { TransferRepository } from '../../../infrastructure/transfer.repository';
import { P2pInvites } from '../../invites/p2p-invites';
import { toHistoryView, toTransferView } from '../../transfer-view';
import { GetTransferStatusQuery } from './get-transfer-status.query';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Only the sender or the recipient may see a transfer; for anyone else it does not exist (404). A transfer to
 * an external 0x address (or a provider batch of them) is the providers' movement: its sender finds it here
 * by the id the send answered.
 */
@QueryHandler(GetTransferStatusQuery)
export class GetTransferStatusHandler implements IQueryHandler<GetTransferStatusQuery> {
  constructor(
    private readonly transfers: TransferRepository,
    private readonly payments: ExternalPayments,
    private readonly invites: P2pInvites,
  ) {}

  async execute({ userId, transferId }: GetTransferStatusQuery) {
    if (!UUID.test(transferId)) throw new TransferNotFoundError();
    const found = await this.transfers.findForParticipant(transferId, userId);
    if (found) {
      return { transfer: toTransferView(found.transfer, userId), history: toHistoryView(found.history) };
    }
    const invite = await this.invites.statusOf(userId, transferId);
    if (invite) return invite;
    const external = await this.payments.status(userId, transferId);
    if (!external) throw new TransferNotFoundError();
    return external;
  }
}
