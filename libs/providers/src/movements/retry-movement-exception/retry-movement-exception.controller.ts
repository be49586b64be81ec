import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, Roles } from '#monay/shared';
import { RetryMovementExceptionCommand } from './retry-movement-exception.command';

/** An operator books a movement exception where it belongs, out of suspense. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@ApiErrorResponses(401, 403)
@Controller('admin/movement-exceptions')
export class RetryMovementExceptionController {
  constructor(private readonly commands: CommandBus) {}

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
