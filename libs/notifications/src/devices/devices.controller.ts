import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { ApiErrorResponses } from '#monay/shared';
import { PushDeviceNotFoundError } from '../notifications.errors';
import { DevicesRepository, type PushDevice } from './devices.repository';

export class RegisterDeviceRequestDto {
  @ApiProperty({ description: 'The FCM registration token of the app install', example: 'fcm-token-abc123' })
  @IsString()
  @MinLength(8)
  @MaxLength(4096)
  @Matches(/^[A-Za-z0-9_:.-]+$/, { message: 'token must be an FCM registration token' })
  token!: string;

  @ApiProperty({ enum: ['ios', 'android', 'web'] })
  @IsIn(['ios', 'android', 'web'])
  platform!: PushDevice['platform'];
}

const view = (device: PushDevice) => ({
  id: device.id,
  platform: device.platform,
  // The token is a credential of the install: shown only by its end.
  token: `…${device.token.slice(-6)}`,
  createdAt: device.createdAt.toISOString(),
});

/** The push devices of the caller (FCM registration tokens). */
@ApiTags('notifications')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('notifications/devices')
export class DevicesController {
  constructor(private readonly devices: DevicesRepository) {}

  @ApiErrorResponses(400)
  @Post()
  @ApiOperation({ summary: 'Register a push device token (registering it again returns the same device)' })
  async register(@CurrentUser() user: AuthUser, @Body() body: RegisterDeviceRequestDto) {
    return {
      success: true,
      device: view(await this.devices.register(user.userId, body.token, body.platform)),
    };
  }

  @ApiErrorResponses()
  @Get()
  async list(@CurrentUser() user: AuthUser) {
    return { success: true, devices: (await this.devices.list(user.userId)).map(view) };
  }

  @ApiErrorResponses(404)
  @Delete(':id')
  @HttpCode(200)
  async remove(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    if (!(await this.devices.remove(user.userId, id))) throw new PushDeviceNotFoundError();
    return { success: true };
  }
}
