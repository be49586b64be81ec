import { Body, Controller, Get, HttpCode, Post, Put, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { AuthRateLimited, Public, ApiErrorResponses } from '#monay/shared';
import { OnboardConsumerCommand } from '../../application/commands/onboard-consumer/onboard-consumer.command';
import { UpdatePreferencesCommand } from '../../application/commands/update-preferences/update-preferences.command';
import { GetPreferencesQuery } from '../../application/queries/get-preferences/get-preferences.query';
import { OnboardRequestDto } from './dto/onboard.request.dto';
import { UpdatePreferencesRequestDto } from './dto/update-preferences.request.dto';

@ApiTags('consumer')
@Controller('consumer')
export class ConsumerController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Public()
  @AuthRateLimited()
  @ApiErrorResponses(400, 403, 409)
  @Post('onboard')
  async onboard(@Body() body: OnboardRequestDto, @Req() request: Request) {
    const result = await this.commands.execute(
      new OnboardConsumerCommand(body.email, body.password, body.phone, body.kycLevel, {
        userAgent: request.headers['user-agent']?.slice(0, 256),
        ip: request.ip,
      }),
    );
    const { user, wallet, limits, tokens } = result;
    return { success: true, user, wallet, limits, ...tokens };
  }

  @ApiErrorResponses(401)
  @Get('preferences')
  @ApiBearerAuth()
  async preferences(@CurrentUser() user: AuthUser) {
    return {
      success: true,
      preferences: await this.queries.execute(new GetPreferencesQuery(user.userId)),
    };
  }

  @ApiErrorResponses(400, 401)
  @Put('preferences')
  @HttpCode(200)
  @ApiBearerAuth()
  async updatePreferences(@CurrentUser() user: AuthUser, @Body() body: UpdatePreferencesRequestDto) {
    return {
      success: true,
      preferences: await this.commands.execute(new UpdatePreferencesCommand(user.userId, body)),
    };
  }
}
