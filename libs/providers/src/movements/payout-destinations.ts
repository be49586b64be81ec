import { Injectable } from '@nestjs/common';
import { isExternalAddress, normalizeAddress } from '../domain/external-transfer';
import { MovementRepository } from './movement.repository';

/**
 * The providers context's public answer to "has this user paid out there before?" (a completed withdrawal or
 * external transfer to that bank account, card or 0x address), for the step-up check of other contexts: a batch
 * with external legs is checked in transfers before it is handed over.
 */
@Injectable()
export class PayoutDestinations {
  constructor(private readonly movements: MovementRepository) {}

  /** Whether any of `destinations` is one the user never completed a payout to. */
  async anyNew(userId: string, destinations: string[]): Promise<boolean> {
    const stored = [
      ...new Set(destinations.map((d) => (isExternalAddress(d.trim()) ? normalizeAddress(d) : d))),
    ];
    const known = await this.movements.completedPayoutDestinations(userId, stored);
    return stored.some((destination) => !known.has(destination));
  }
}
