import { Query } from '@nestjs/cqrs';
import type { ExternalTransferView } from '#monay/providers';
import type { InviteView } from '../../invites/p2p-invites';
import type { TransferView } from '../../transfer-view';

export class GetTransferStatusQuery extends Query<{
  /**
   * A transfer between Monay wallets, one to an external 0x address (or a provider batch of them), or money sent to
   * someone not signed up yet (until it is claimed: then it is a transfer between wallets with the same id).
   */
  transfer: TransferView | ExternalTransferView | InviteView;
  history: Array<{ status: string; at: string; reason?: string }>;
}> {
  constructor(
    readonly userId: string,
    readonly transferId: string,
  ) {
    super();
  }
}
