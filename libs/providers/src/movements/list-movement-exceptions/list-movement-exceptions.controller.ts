import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ApiErrorResponses, PageQueryDto, Roles } from '#monay/shared';
import { RetryMovementExceptionCommand } from '../retry-movement-exception/retry-movement-exception.command';
import { ListMovementExceptionsQuery } from './list-movement-exceptions.query';

export class ListMovementExceptionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'resolved', 'all'], default: 'open' })
  @IsOptional()
  @IsIn(['open', 'resolved', 'all'])
  status?: 'open' | 'resolved' | 'all';
}

/**
 * Movements a provider completed that could not be booked where they belong (the wallet could not take the
 * credit …): their provider side is booked against suspense, and operators see and resolve them here.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@ApiErrorResponses(401, 403)
@Controller('admin/movement-exceptions')
export class AdminMovementExceptionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

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

  @Post(':id/retry')
  @ApiErrorResponses(404, 409, 422)
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Books the movement where it belongs, out of suspense (one transaction: the suspense booking reversed, the ' +
      'movement booked, its client answered); 422 with the refusal when it still cannot be, nothing changed; 409 ' +
      'EXCEPTION_RESOLVED when resolved already',
  })
  async retry(@Param('id') id: string) {
    return { success: true, ...(await this.commands.execute(new RetryMovementExceptionCommand(id))) };
  }
}
