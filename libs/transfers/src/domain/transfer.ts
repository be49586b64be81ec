import { InvalidTransferTransitionError } from './transfer.errors';

export type TransferStatus = 'pending' | 'processing' | 'completed' | 'failed';

export interface StatusChange {
  status: TransferStatus;
  reason?: string;
  at: Date;
}

const NEXT: Record<TransferStatus, TransferStatus[]> = {
  pending: ['processing', 'failed'],
  processing: ['completed', 'failed'],
  completed: [],
  failed: [],
};

/**
 * A transfer's life: pending → processing → completed | failed, each step recorded. Terminal states
 * are final; a failure keeps its machine code (INSUFFICIENT_FUNDS, LIMIT_EXCEEDED …).
 */
export class TransferLifecycle {
  private readonly changes: StatusChange[];

  constructor(
    private current: TransferStatus = 'pending',
    now = new Date(),
  ) {
    this.changes = [{ status: current, at: now }];
  }

  get status(): TransferStatus {
    return this.current;
  }

  get history(): readonly StatusChange[] {
    return this.changes;
  }

  moveTo(status: TransferStatus, reason?: string, at = new Date()): void {
    if (!NEXT[this.current].includes(status)) throw new InvalidTransferTransitionError(this.current, status);
    this.current = status;
    this.changes.push({ status, reason, at });
  }
}
