import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { ApiErrorResponses } from '#monay/shared';
import { toSwapView } from '../swap-view';
import { GetSwapQuery } from './get-swap.query';

/** The caller's swap, as it stands. */
@ApiTags('consumer')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('consumer')
export class GetSwapController {
  constructor(private readonly queries: QueryBus) {}

  @ApiErrorResponses(404)
  @Get('swaps/:id')
  async get(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    const movement = await this.queries.execute(new GetSwapQuery(user.userId, id));
    return { success: true, swap: toSwapView(movement) };
  }
}
