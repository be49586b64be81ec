import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { ApiErrorResponses, OutboxWriter, Roles, UnitOfWork } from '#monay/shared';
import { SANDBOX_MODES, SandboxModes, type SandboxMode } from './channels/sandbox-modes';
import { DELIVERY_CHANNELS, type DeliveryChannel } from './domain/notification-kinds';

export class SandboxModeRequestDto {
  @ApiProperty({ enum: DELIVERY_CHANNELS })
  @IsIn(DELIVERY_CHANNELS)
  channel!: DeliveryChannel;

  @ApiProperty({ enum: SANDBOX_MODES })
  @IsIn(SANDBOX_MODES)
  mode!: SandboxMode;
}

export class AnnouncementRequestDto {
  @ApiProperty({ enum: ['marketing', 'product_updates'] })
  @IsIn(['marketing', 'product_updates'])
  category!: 'marketing' | 'product_updates';

  @ApiProperty({ example: 'EURC is here' })
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  title!: string;

  @ApiProperty({ example: 'Hold euros next to dollars, swap between them at the quoted rate.' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  body!: string;

  @ApiProperty({
    type: [String],
    description: 'The users it goes to (marketing: only those who opted in get it)',
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  userIds!: string[];
}

/** Operators: the notification vendor sandboxes' modes, and announcements (marketing, product updates). */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@ApiErrorResponses(401, 403)
@Controller('admin')
export class AdminNotificationsController {
  constructor(
    private readonly modes: SandboxModes,
    private readonly uow: UnitOfWork,
    private readonly outbox: OutboxWriter,
  ) {}

  @ApiErrorResponses()
  @Get('sandbox/notifications')
  async listModes() {
    return { success: true, modes: await this.modes.all() };
  }

  @ApiErrorResponses(400)
  @Put('sandbox/notifications')
  @ApiOperation({
    summary: 'Put a notification vendor sandbox (email SMTP server, SMS, push) into an outage, or back',
    description:
      'In an outage, the embedded SMTP server answers 421, the SMS sandbox 503 and the push sandbox UNAVAILABLE.',
  })
  async setMode(@Body() body: SandboxModeRequestDto) {
    await this.modes.set(body.channel, body.mode);
    return { success: true, modes: await this.modes.all() };
  }

  @ApiErrorResponses(400)
  @Post('notifications/announcements')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Publish a marketing message or a product update to users',
    description: 'Written as an AnnouncementPublished event; each user gets it through their preferences.',
  })
  async announce(@Body() body: AnnouncementRequestDto) {
    const announcementId = randomUUID();
    const userIds = [...new Set(body.userIds.map((id) => id.toLowerCase()))];
    await this.uow.run((tx) =>
      this.outbox.append(tx, [
        {
          type: 'AnnouncementPublished',
          aggregateId: announcementId,
          userIds: [],
          payload: { announcementId, category: body.category, title: body.title, body: body.body, userIds },
        },
      ]),
    );
    return { success: true, announcementId, recipients: userIds.length };
  }
}
