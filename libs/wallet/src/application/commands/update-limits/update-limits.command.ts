import { Command } from '@nestjs/cqrs';
import type { StepUpContext } from '#monay/identity';
import type { Money } from '#monay/kernel';
import type { LimitsReport } from '../../queries/get-limits/get-limits.query';

/** A user lowers (or restores, up to the tier) their own daily and monthly limits, in USD. */
export class UpdateLimitsCommand extends Command<LimitsReport> {
  constructor(
    readonly userId: string,
    readonly daily: Money | undefined,
    readonly monthly: Money | undefined,
    /** The client's session and step-up token: raising a limit steps up for users with 2FA. */
    readonly stepUp: StepUpContext,
  ) {
    super();
  }
}
