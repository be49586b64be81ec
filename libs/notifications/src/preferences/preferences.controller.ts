import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { ApiErrorResponses } from '#monay/shared';
import { applyPreferenceChange, type NotificationPreferences } from '../domain/preferences';
import { PreferencesRepository } from './preferences.repository';

const view = (preferences: NotificationPreferences) => ({ success: true, preferences });

/** Which categories reach the user on which channels, quiet hours, and the language notifications are written in. */
@ApiTags('notifications')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('notifications/preferences')
export class PreferencesController {
  constructor(private readonly preferences: PreferencesRepository) {}

  @ApiErrorResponses()
  @Get()
  @ApiOperation({
    summary: 'Notification preferences: category × channel, quiet hours, locale',
    description:
      'Categories: transactions, security, marketing, product_updates, reminders, rewards; channels: in_app, email, sms, ' +
      'push. Marketing is off until the user turns it on.',
  })
  async get(@CurrentUser() user: AuthUser) {
    return view(await this.preferences.get(user.userId));
  }

  @ApiErrorResponses(400)
  @Put()
  @ApiBody({
    schema: {
      type: 'object',
      example: {
        channels: { marketing: { email: true }, transactions: { sms: true } },
        quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Paris' },
        locale: 'es',
      },
    },
  })
  @ApiOperation({
    summary: 'Change notification preferences (only what the body names)',
    description:
      'Quiet hours (`null` removes them) hold back everything but security alerts and failed money movements ' +
      'until the window ends, in the time zone given. 400 SECURITY_ALERTS_REQUIRED when security would be off on ' +
      'every channel; 400 INVALID_NOTIFICATION_PREFERENCES for unknown categories, channels or malformed values.',
  })
  async put(@CurrentUser() user: AuthUser, @Body() body: unknown) {
    const next = applyPreferenceChange(await this.preferences.get(user.userId), body);
    await this.preferences.save(user.userId, next);
    return view(next);
  }
}
