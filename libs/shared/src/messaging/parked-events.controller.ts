import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../http/api-error-responses';
import { Roles } from '../http/roles.decorator';
import { ParkedEvents } from './parked-events';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@ApiErrorResponses(401, 403)
@Controller('admin/events/parked')
export class ParkedEventsController {
  constructor(private readonly parked: ParkedEvents) {}

  @ApiErrorResponses()
  @Get()
  @ApiOperation({
    summary: 'Events a consumer (a projection, notifications) failed on every attempt, oldest first',
  })
  async list() {
    return { success: true, events: await this.parked.list() };
  }

  @ApiErrorResponses(404, 422)
  @Post(':id/retry')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Apply a parked event to its consumer again (after the cause is fixed); 422 EVENT_STILL_FAILS if not',
  })
  async retry(@Param('id') id: string) {
    return { success: true, resolved: await this.parked.retry(id) };
  }
}
