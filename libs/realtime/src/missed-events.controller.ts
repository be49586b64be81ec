import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { MissedEventsRequestDto } from './missed-events.request.dto';
import { RealtimeEventRepository } from './realtime-event.repository';
import { RealtimeMessageBuilder } from './realtime-message-builder';
import { REALTIME_EVENT_TYPES } from './realtime-messages';
import { UnknownEventCursorError } from './realtime.errors';
import { ApiErrorResponses } from '#monay/shared';

const DEFAULT_LIMIT = 50;

@ApiTags('realtime')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('realtime')
export class MissedEventsController {
  constructor(
    private readonly events: RealtimeEventRepository,
    private readonly messages: RealtimeMessageBuilder,
  ) {}

  @ApiErrorResponses(400)
  @Get('missed')
  @ApiOperation({
    summary: 'The socket events a client missed',
    description:
      'Your events after `since` (an eventId you received), oldest first, exactly as `/ws` sends them; without ' +
      '`since`, your latest `limit` events. `limit` counts domain events (one may yield several socket events). ' +
      '`balance.updated` carries the CURRENT balance, not the balance as of the event. An unknown `since` ' +
      '(or another user’s event) → 400 VALIDATION_FAILED. Continue with `since=lastEventId` while `hasMore`.',
  })
  async missed(@CurrentUser() user: AuthUser, @Query() query: MissedEventsRequestDto) {
    const limit = query.limit ?? DEFAULT_LIMIT;
    let page;
    let hasMore: boolean;
    if (query.since === undefined) {
      const rows = await this.events.latest(user.userId, REALTIME_EVENT_TYPES, limit + 1);
      hasMore = rows.length > limit;
      page = rows.slice(-limit);
    } else {
      const sequence = await this.events.sequenceOf(user.userId, query.since);
      if (sequence === undefined) throw new UnknownEventCursorError();
      const rows = await this.events.after(user.userId, REALTIME_EVENT_TYPES, sequence, limit + 1);
      hasMore = rows.length > limit;
      page = rows.slice(0, limit);
    }
    return {
      success: true,
      events: await this.messages.build(user.userId, page),
      hasMore,
      lastEventId: page.at(-1)?.eventId ?? query.since ?? null,
    };
  }
}
