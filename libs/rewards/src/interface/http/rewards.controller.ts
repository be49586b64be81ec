import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { ApiErrorResponses, PageQueryDto, idempotencyKeyOf, sendIdempotent } from '#monay/shared';
import { RewardsService, levelTable } from '../../application/rewards-service';
import { RedeemRewardRequestDto } from './rewards.request.dto';

/** The member's rewards: points, history, catalog and redemption, achievements. Points are whole numbers as strings. */
@ApiTags('rewards')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('rewards')
export class RewardsController {
  constructor(private readonly rewards: RewardsService) {}

  @Get('balance')
  @ApiOperation({
    summary: 'Points: available, pending, owed, expiring soon; level and streak',
    description:
      '`available` is what may be redeemed (the ledger balance less any points owed after a clawback); `pending` ' +
      'points become available when their lock period ends; `expiringSoon` expire within the notice period.',
  })
  async balance(@CurrentUser() user: AuthUser) {
    return { success: true, ...(await this.rewards.balance(user.userId)), levels: levelTable() };
  }

  @ApiErrorResponses(400)
  @Get('history')
  @ApiOperation({
    summary: 'Points history, newest first (cursor-paginated)',
    description:
      'earned, vested, redeemed, expired, clawed_back, cancelled, written_off and debt_repaid lines, with reasons.',
  })
  async history(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto) {
    return { success: true, ...(await this.rewards.history(user.userId, query.limit ?? 20, query.cursor)) };
  }

  @Get('catalog')
  @ApiOperation({
    summary: 'What points buy, with cost and availability for this member',
    description: 'availability: available | insufficient_points | out_of_stock | level_required.',
  })
  async catalog(@CurrentUser() user: AuthUser) {
    return { success: true, items: await this.rewards.catalog(user.userId) };
  }

  @ApiErrorResponses(400, 404, 409, 422)
  @Post('redeem')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiOperation({
    summary: 'Redeem points for a catalog item',
    description:
      'In one transaction: points debited (oldest lots first), stock taken, and for cashback the wallet credited. ' +
      '201 with the redemption (gift card codes for gift cards); 422 INSUFFICIENT_POINTS, OUT_OF_STOCK or ' +
      'REWARD_LEVEL_REQUIRED (nothing moved); 404 REWARD_ITEM_NOT_FOUND. The same key replays the same answer.',
  })
  async redeem(
    @CurrentUser() user: AuthUser,
    @Body() body: RedeemRewardRequestDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { key } = idempotencyKeyOf(request, body);
    const result = await this.rewards.redeem(user.userId, key, body.itemId, body.quantity);
    return sendIdempotent(request, response, result);
  }

  @Get('achievements')
  @ApiOperation({ summary: 'Achievements: unlocked (when) and progress toward the others' })
  async achievements(@CurrentUser() user: AuthUser) {
    return { success: true, achievements: await this.rewards.achievements(user.userId) };
  }
}
