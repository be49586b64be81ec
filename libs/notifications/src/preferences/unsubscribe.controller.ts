import { Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { ApiErrorResponses, AppConfig, Public } from '#monay/shared';
import { userOfUnsubscribeToken } from '../channels/email.channel';
import { applyPreferenceChange } from '../domain/preferences';
import { InvalidUnsubscribeTokenError } from '../notifications.errors';
import { PreferencesRepository } from './preferences.repository';

export class UnsubscribeQueryDto {
  @ApiProperty({ description: 'The token of the List-Unsubscribe link' })
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  token!: string;
}

/** One-click unsubscribe from marketing email (RFC 8058): what a mail client POSTs to the List-Unsubscribe URL. */
@ApiTags('notifications')
@Controller('notifications/unsubscribe')
export class UnsubscribeController {
  constructor(
    private readonly config: AppConfig,
    private readonly preferences: PreferencesRepository,
  ) {}

  @Public()
  @ApiErrorResponses(400)
  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Turn marketing email off (the List-Unsubscribe link of a marketing email)' })
  async unsubscribe(@Query() query: UnsubscribeQueryDto) {
    const userId = userOfUnsubscribeToken(this.config.auth.accessSecret, query.token);
    if (!userId) throw new InvalidUnsubscribeTokenError();
    const next = applyPreferenceChange(await this.preferences.get(userId), {
      channels: { marketing: { email: false } },
    });
    await this.preferences.save(userId, next);
    return { success: true, marketingEmail: false };
  }
}
