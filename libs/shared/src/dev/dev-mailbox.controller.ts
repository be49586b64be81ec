import { ApiErrorResponses } from '../http/api-error-responses';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { Public } from '../http/public.decorator';
import { DevMailbox } from './dev-mailbox';

export class DevMailboxQueryDto {
  @ApiProperty({ description: 'An email address or a phone number', example: 'alice@example.com' })
  @IsString()
  @MinLength(3)
  @MaxLength(254)
  to!: string;
}

/**
 * The development mailbox (outside production only: DevToolsModule does not register this controller in
 * production). No token: it is a developer's tool, like MailHog's inbox.
 */
@ApiTags('dev')
@Controller('dev/mailbox')
export class DevMailboxController {
  constructor(private readonly mailbox: DevMailbox) {}

  @Public()
  @ApiErrorResponses(400)
  @Get()
  @ApiOperation({
    summary: 'What was sent to an email address or phone number (development only)',
    description:
      'Emails and SMS the application would have delivered (verification codes, password resets, step-up codes), ' +
      'newest first, at most 50. Exists only outside production (NODE_ENV=production: 404).',
  })
  async list(@Query() query: DevMailboxQueryDto) {
    return { success: true, messages: await this.mailbox.list(query.to) };
  }
}
