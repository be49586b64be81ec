import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuthRateLimited, Public, ApiErrorResponses } from '#monay/shared';
import { LogInCommand } from '../../application/commands/log-in/log-in.command';
import { LogOutCommand } from '../../application/commands/log-out/log-out.command';
import { RefreshSessionCommand } from '../../application/commands/refresh-session/refresh-session.command';
import { RegisterUserCommand } from '../../application/commands/register-user/register-user.command';
import { GetProfileQuery } from '../../application/queries/get-profile/get-profile.query';
import type { ClientInfo } from '../../application/user-view';
import { CurrentUser } from './auth.decorators';
import type { AuthUser } from './auth.decorators';
import { ProfileResponseDto, SessionResponseDto, TokenPairResponseDto } from './dto/auth.response.dto';
import { LogInRequestDto } from './dto/log-in.request.dto';
import { RefreshRequestDto } from './dto/refresh.request.dto';
import { RegisterRequestDto } from './dto/register.request.dto';

function clientOf(request: Request): ClientInfo {
  return { userAgent: request.headers['user-agent']?.slice(0, 256), ip: request.ip };
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Public()
  @AuthRateLimited()
  @ApiErrorResponses(400, 409)
  @Post('register')
  @ApiCreatedResponse({ type: SessionResponseDto })
  async register(@Body() body: RegisterRequestDto, @Req() request: Request): Promise<SessionResponseDto> {
    const { user, tokens } = await this.commands.execute(
      new RegisterUserCommand(body.email, body.password, body.phone, clientOf(request)),
    );
    return { success: true, user, ...tokens };
  }

  @Public()
  @AuthRateLimited()
  @ApiErrorResponses(400, 401)
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: SessionResponseDto })
  async logIn(@Body() body: LogInRequestDto, @Req() request: Request): Promise<SessionResponseDto> {
    const { user, tokens } = await this.commands.execute(
      new LogInCommand(body.email, body.password, clientOf(request)),
    );
    return { success: true, user, ...tokens };
  }

  @Public()
  @AuthRateLimited()
  @ApiErrorResponses(400, 401)
  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairResponseDto })
  async refresh(@Body() body: RefreshRequestDto): Promise<TokenPairResponseDto> {
    const tokens = await this.commands.execute(new RefreshSessionCommand(body.refreshToken));
    return { success: true, ...tokens };
  }

  @ApiErrorResponses(401)
  @Post('logout')
  @HttpCode(200)
  @ApiBearerAuth()
  async logOut(@CurrentUser() user: AuthUser): Promise<{ success: true }> {
    await this.commands.execute(new LogOutCommand(user.userId, user.sessionId));
    return { success: true };
  }

  @ApiErrorResponses(401)
  @Get('me')
  @ApiBearerAuth()
  @ApiOkResponse({ type: ProfileResponseDto })
  async me(@CurrentUser() user: AuthUser): Promise<ProfileResponseDto> {
    return { success: true, user: await this.queries.execute(new GetProfileQuery(user.userId)) };
  }
}
