import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { ApiErrorResponses } from '#monay/shared';
import { toDepositView, toWithdrawalView } from '../movement-view';
import { GetMovementQuery } from './get-movement.query';

/** The caller's deposit or withdrawal, as it stands. */
@ApiTags('consumer')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('consumer')
export class GetMovementController {
  constructor(private readonly queries: QueryBus) {}

  @ApiErrorResponses(404)
  @Get('deposits/:id')
  async getDeposit(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    const movement = await this.queries.execute(new GetMovementQuery(user.userId, 'deposit', id));
    return { success: true, deposit: toDepositView(movement) };
  }

  @ApiErrorResponses(404)
  @Get('withdrawals/:id')
  async getWithdrawal(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    const movement = await this.queries.execute(new GetMovementQuery(user.userId, 'withdrawal', id));
    return { success: true, withdrawal: toWithdrawalView(movement) };
  }
}
