import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../http/roles.decorator';
import { DeadLetters } from './dead-letters';
import { ApiErrorResponses } from '../http/api-error-responses';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@ApiErrorResponses(401, 403)
@Controller('admin/jobs/dead-letter')
export class DeadLetterController {
  constructor(private readonly deadLetters: DeadLetters) {}

  @ApiErrorResponses()
  @Get()
  async list() {
    return { success: true, jobs: await this.deadLetters.list() };
  }

  @ApiErrorResponses(404)
  @Post(':id/retry')
  @HttpCode(200)
  async retry(@Param('id') id: string) {
    return { success: true, ...(await this.deadLetters.retry(id)) };
  }
}
