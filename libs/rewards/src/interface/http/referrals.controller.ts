import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { ApiErrorResponses } from '#monay/shared';
import { Referrals, type SeenFrom } from '../../application/referrals';
import { AttributeReferralRequestDto } from './rewards.request.dto';

/** Where a request came from, for the self-referral guards: the client address and the app's device id header. */
function seenFrom(request: Request): SeenFrom {
  const device = request.headers['x-device-id'];
  return {
    ip: request.ip ?? null,
    device: typeof device === 'string' && device !== '' ? device.slice(0, 128) : null,
  };
}

/** Referral codes, attribution and the state of each referral's reward. */
@ApiTags('rewards')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('referrals')
export class ReferralsController {
  constructor(private readonly referrals: Referrals) {}

  @Get('code')
  @ApiOperation({
    summary: 'The member’s referral code (8 unambiguous characters; made on first ask, never changes)',
  })
  async code(@CurrentUser() user: AuthUser, @Req() request: Request) {
    return { success: true, code: await this.referrals.codeOf(user.userId, seenFrom(request)) };
  }

  @Get()
  @ApiOperation({
    summary: 'Who joined with the member’s code, and the state of each reward (pending, approved, rejected)',
  })
  async list(@CurrentUser() user: AuthUser) {
    return { success: true, referrals: await this.referrals.list(user.userId) };
  }

  @ApiErrorResponses(400, 409)
  @Post('attribute')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Claim the referral code that brought the member (before their first deposit)',
    description:
      'Both members are rewarded once the new member has verified their identity and kept a first deposit of the ' +
      'configured amount for the holding period. A self-referral (the same mailbox pattern, device or address) is ' +
      'recorded as rejected with its reason. 400 REFERRAL_CODE_INVALID; 409 REFERRAL_NOT_CLAIMABLE.',
  })
  async attribute(
    @CurrentUser() user: AuthUser,
    @Body() body: AttributeReferralRequestDto,
    @Req() request: Request,
  ) {
    const referral = await this.referrals.attribute(user.userId, body.code, seenFrom(request));
    return { success: true, referral: { id: referral.id, status: referral.status, reason: referral.reason } };
  }
}
