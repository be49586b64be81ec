import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, Roles } from '#monay/shared';
import { Referrals } from '../../application/referrals';
import { RewardsService } from '../../application/rewards-service';

/** Operators' rewards routes. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@ApiErrorResponses(401, 403)
@Controller('admin/rewards')
export class AdminRewardsController {
  constructor(
    private readonly referrals: Referrals,
    private readonly rewards: RewardsService,
  ) {}

  @Get('referrals/flagged')
  @ApiOperation({ summary: 'Referrals flagged by the self-referral guards or the monthly cap, newest first' })
  async flagged() {
    const referrals = await this.referrals.flagged(200);
    return {
      success: true,
      referrals: referrals.map((referral) => ({
        id: referral.id,
        referrerId: referral.referrerId,
        referredId: referral.referredId,
        status: referral.status,
        reason: referral.reason,
        signals: referral.signals,
        createdAt: referral.createdAt.toISOString(),
      })),
    };
  }

  @Get('reconciliation')
  @ApiOperation({
    summary: 'The points books against each other',
    description:
      'Each member’s PTS ledger balance against the points left in their lots, and the points owed in the rewards ' +
      'accounts against the ledger’s receivable account.',
  })
  async reconciliation() {
    return { success: true, ...(await this.rewards.reconcile()) };
  }
}
