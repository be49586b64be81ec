import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../http/roles.decorator';
import { DeadLetters } from './dead-letters';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/jobs/dead-letter')
export class DeadLetterController {
  constructor(private readonly deadLetters: DeadLetters) {}

  @Get()
  async list() {
    return { success: true, jobs: await this.deadLetters.list() };
  }

  @Post(':id/retry')
  @HttpCode(200)
  async retry(@Param('id') id: string) {
    return { success: true, ...(await this.deadLetters.retry(id)) };
  }
}
