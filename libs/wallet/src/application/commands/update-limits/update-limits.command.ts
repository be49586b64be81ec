import { Command } from '@nestjs/cqrs';
import type { Money } from '#monay/kernel';
import type { LimitsReport } from '../../queries/get-limits/get-limits.query';

/** A user lowers (or restores, up to the tier) their own daily and monthly limits, in USD. */
export class UpdateLimitsCommand extends Command<LimitsReport> {
  constructor(
    readonly userId: string,
    readonly daily: Money | undefined,
    readonly monthly: Money | undefined,
  ) {
    super();
  }
}
