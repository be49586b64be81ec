import { Query } from '@nestjs/cqrs';
import type { ExternalTransferView } from '#monay/providers';
import type { TransferView } from '../../transfer-view';

export class GetTransferStatusQuery extends Query<{
  /** A transfer between Monay wallets, or one to an external 0x address (or a provider batch of them). */
  transfer: TransferView | ExternalTransferView;
  history: Array<{ status: string; at: string; reason?: string }>;
}> {
  constructor(
    readonly userId: string,
    readonly transferId: string,
  ) {
    super();
  }
}
