import { Query } from '@nestjs/cqrs';
import type { TransferView } from '../../transfer-view';

export class GetTransferStatusQuery extends Query<{
  transfer: TransferView;
  history: Array<{ status: string; at: string; reason?: string }>;
}> {
  constructor(
    readonly userId: string,
    readonly transferId: string,
  ) {
    super();
  }
}
