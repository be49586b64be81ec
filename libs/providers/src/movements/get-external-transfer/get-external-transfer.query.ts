import { Query } from '@nestjs/cqrs';
import type { ExternalTransferView } from '../external-transfer-view';

export interface ExternalTransferStatus {
  transfer: ExternalTransferView;
  history: Array<{ status: string; at: string; reason?: string }>;
}

/**
 * The sender's external transfer or provider batch by its id, with its status history; null for anyone
 * else's, an unknown or a malformed id (the transfer status route answers 404 for all of them).
 */
export class GetExternalTransferQuery extends Query<ExternalTransferStatus | null> {
  constructor(
    readonly userId: string,
    readonly transferId: string,
  ) {
    super();
  }
}
