import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { decodeCursor, encodeCursor, NotificationsQueryDto } from './notifications-query.request.dto';
import { NotificationNotFoundError } from './notifications.errors';
import { NotificationsRepository, type NotificationRecord } from './notifications.repository';
import { ApiErrorResponses } from '#monay/shared';

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

/** The caller's in-app notifications (light context, flat: the controller reads the repository directly). */
@ApiTags('notifications')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsRepository) {}

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
