import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { ApiErrorResponses } from '#monay/shared';
import { NOTIFICATION_CHANNELS, type NotificationChannel } from './domain/notification-kinds';
import { DeliveriesRepository } from './delivery/deliveries.repository';
import { TestNotifications } from './delivery/test-notifications';
import { decodeCursor, encodeCursor, NotificationsQueryDto } from './notifications-query.request.dto';
import { NotificationNotFoundError } from './notifications.errors';
import { NotificationsRepository, type NotificationRecord } from './notifications.repository';

function view(n: NotificationRecord) {
  return {
    id: n.id,
    kind: n.kind,
    title: n.title,
    body: n.body,
    data: n.data,
    channels: n.channels,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt?.toISOString() ?? null,
  };
}

export class TestNotificationRequestDto {
  @ApiProperty({ enum: NOTIFICATION_CHANNELS, example: 'email' })
  @IsIn(NOTIFICATION_CHANNELS, { message: `channel must be one of ${NOTIFICATION_CHANNELS.join(', ')}` })
  channel!: NotificationChannel;
}

/** The caller's notifications (light context, flat: the controller reads the repositories directly). */
@ApiTags('notifications')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('notifications')
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly tests: TestNotifications,
  ) {}

  @ApiErrorResponses(400)
  @Get()
  async list(@CurrentUser() user: AuthUser, @Query() query: NotificationsQueryDto) {
    const limit = query.limit ?? 20;
    const rows = await this.notifications.list(user.userId, {
      limit: limit + 1,
      unreadOnly: query.unread === true,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      success: true,
      notifications: page.map(view),
      unreadCount: await this.notifications.unreadCount(user.userId),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  @ApiErrorResponses(400, 429)
  @Post('test')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a test notification through one channel',
    description:
      'Whatever the preferences say, through `channel` only; answers the delivery id (null for in_app) to follow ' +
      'with GET /api/notifications/:id. At most NOTIFICATION_TEST_LIMIT_PER_HOUR an hour (429 RATE_LIMITED).',
  })
  async test(@CurrentUser() user: AuthUser, @Body() body: TestNotificationRequestDto) {
    const sent = await this.tests.send(user.userId, body.channel);
    return { success: true, ...sent };
  }

  /** One notification with its deliveries: per channel, status, attempts, the vendor's message id, errors. */
  @ApiErrorResponses(404)
  @Get(':id')
  async get(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    const notification = await this.notifications.get(user.userId, id);
    if (!notification) throw new NotificationNotFoundError();
    return {
      success: true,
      notification: {
        ...view(notification),
        deliveries: await this.deliveries.ofNotification(notification.id),
      },
    };
  }

  /** Idempotent: reading twice keeps the first read time. */
  @ApiErrorResponses(404)
  @Post(':id/read')
  @HttpCode(200)
  async read(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    const notification = await this.notifications.markRead(user.userId, id);
    if (!notification) throw new NotificationNotFoundError();
    return { success: true, notification: view(notification) };
  }
}
