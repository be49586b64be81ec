import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, Roles } from '#monay/shared';
import { ListMovementExceptionsQuery } from './list-movement-exceptions.query';
import { ListMovementExceptionsQueryDto } from './list-movement-exceptions.request.dto';

/**
 * Movements a provider completed that could not be booked where they belong (the wallet could not take the
 * credit …): their provider side is booked against suspense, and operators see and resolve them here.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@ApiErrorResponses(401, 403)
@Controller('admin/movement-exceptions')
export class ListMovementExceptionsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiErrorResponses(400)
  @ApiOperation({
    summary:
      'Movement exceptions, newest first (default: the open ones): the movement, its provider, amount and fee, ' +
      'why its booking was refused, the suspense transaction; cursor-paginated',
  })
  async list(@Query() query: ListMovementExceptionsQueryDto) {
    const status = query.status ?? 'open';
    const page = await this.queries.execute(
      new ListMovementExceptionsQuery(status === 'all' ? null : status, query.limit ?? 20, query.cursor),
    );
    return { success: true, ...page };
  }
}
