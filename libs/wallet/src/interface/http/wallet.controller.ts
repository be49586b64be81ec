import { Body, Controller, Get, HttpCode, Post, Put, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentUser, STEP_UP_HEADER, stepUpContextOf, type AuthUser } from '#monay/identity';
import { parseAmountInput } from '#monay/kernel';
import { UpdateLimitsCommand } from '../../application/commands/update-limits/update-limits.command';
import { GetBalanceQuery } from '../../application/queries/get-balance/get-balance.query';
import { GetLimitsQuery } from '../../application/queries/get-limits/get-limits.query';
import { UpdateLimitsRequestDto } from './dto/update-limits.request.dto';
import { ApiErrorResponses } from '#monay/shared';

@ApiTags('wallet')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('wallet')
export class WalletController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @ApiErrorResponses()
  @Get('balance')
  async balance(@CurrentUser() user: AuthUser) {
    return { success: true, ...(await this.queries.execute(new GetBalanceQuery(user.userId))) };
  }

  /** Existing clients POST here; same answer. */
  @ApiErrorResponses()
  @Post('balance')
  @HttpCode(200)
  balanceByPost(@CurrentUser() user: AuthUser) {
    return this.balance(user);
  }

  @ApiErrorResponses()
  @Get('limits')
  async limits(@CurrentUser() user: AuthUser) {
    return { success: true, ...(await this.queries.execute(new GetLimitsQuery(user.userId))) };
  }

  @ApiErrorResponses(400, 422)
  @Put('limits')
  @ApiHeader({
    name: STEP_UP_HEADER,
    required: false,
    description: 'A step-up token (POST /api/auth/step-up)',
  })
  @ApiOperation({
    summary: 'Lower (or restore, up to the tier) the daily and monthly limits',
    description:
      'Above the tier: 422 LIMIT_ABOVE_TIER. Raising a limit with 2FA on: 403 STEP_UP_REQUIRED until the request ' +
      'carries X-Step-Up-Token.',
  })
  async updateLimits(
    @CurrentUser() user: AuthUser,
    @Body() body: UpdateLimitsRequestDto,
    @Req() request: Request,
  ) {
    const daily =
      body.daily === undefined
        ? undefined
        : parseAmountInput(body.daily, 'USD', { field: 'daily', perMovementMaximum: false });
    const monthly =
      body.monthly === undefined
        ? undefined
        : parseAmountInput(body.monthly, 'USD', { field: 'monthly', perMovementMaximum: false });
    return {
      success: true,
      ...(await this.commands.execute(
        new UpdateLimitsCommand(user.userId, daily, monthly, stepUpContextOf(user, request)),
      )),
    };
  }
}
