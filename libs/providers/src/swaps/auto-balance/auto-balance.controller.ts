import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { ApiErrorResponses } from '#monay/shared';
import { AutoBalanceRequestDto } from './auto-balance.request.dto';
import { AutoBalancer } from './auto-balancer';

@ApiTags('wallet')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('wallet')
export class AutoBalanceController {
  constructor(private readonly balancer: AutoBalancer) {}

  @Get('auto-balance')
  @ApiOperation({
    summary: 'Your auto-balance target, whether it is on (preference autoBalance), and when it last ran',
  })
  async get(@CurrentUser() user: AuthUser) {
    return { success: true, autoBalance: await this.balancer.view(user.userId) };
  }

  @ApiErrorResponses(400)
  @Put('auto-balance')
  @ApiOperation({
    summary:
      'Set the auto-balance target (turn it on with PUT /api/consumer/preferences {autoBalance: true})',
    description:
      'A minimum balance in the preferred currency, or target shares across stablecoins with a tolerance. When the ' +
      'wallet is off target by more than the tolerance, one swap through the normal swap path restores it (fee in ' +
      'the history), at most once per AUTO_BALANCE_INTERVAL_MINUTES, never for less than `minSwap`.',
  })
  async put(@CurrentUser() user: AuthUser, @Body() body: AutoBalanceRequestDto) {
    return { success: true, autoBalance: await this.balancer.update(user.userId, body) };
  }
}
