import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { AuthRateLimited, Public, ApiErrorResponses } from '#monay/shared';
import { LogInCommand } from '../../application/commands/log-in/log-in.command';
import { LogOutCommand } from '../../application/commands/log-out/log-out.command';
import { RefreshSessionCommand } from '../../application/commands/refresh-session/refresh-session.command';
import { RegisterUserCommand } from '../../application/commands/register-user/register-user.command';
import { GetProfileQuery } from '../../application/queries/get-profile/get-profile.query';
import { MfaRequiredResponseDto } from './account-security.responses';
import { CurrentUser } from './auth.decorators';
import type { AuthUser } from './auth.decorators';
import { ProfileResponseDto, SessionResponseDto, TokenPairResponseDto } from './dto/auth.response.dto';
import { LogInRequestDto } from './dto/log-in.request.dto';
import { RefreshRequestDto } from './dto/refresh.request.dto';
import { RegisterRequestDto } from './dto/register.request.dto';
import { clientOf } from './client-info';

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
  @ApiExtraModels(SessionResponseDto, MfaRequiredResponseDto)
  @ApiOkResponse({
    schema: {
      oneOf: [{ $ref: getSchemaPath(SessionResponseDto) }, { $ref: getSchemaPath(MfaRequiredResponseDto) }],
    },
  })
  @ApiOperation({
    summary: 'Sign in with email and password',
    description:
      'A session (token pair), or for an account with 2FA on `{mfaRequired: true, mfaToken}` and no token: complete ' +
      'it with POST /auth/2fa/challenge within 5 minutes. 401 INVALID_CREDENTIALS alike for a wrong password and ' +
      'an unknown email.',
  })
  async logIn(
    @Body() body: LogInRequestDto,
    @Req() request: Request,
  ): Promise<SessionResponseDto | MfaRequiredResponseDto> {
    const result = await this.commands.execute(
      new LogInCommand(body.email, body.password, clientOf(request)),
    );
    if (result.mfaRequired) {
      return {
        success: true,
        mfaRequired: true,
        mfaToken: result.challenge.mfaToken,
        methods: ['totp', 'recovery_code'],
        expiresAt: result.challenge.expiresAt.toISOString(),
      };
    }
    return { success: true, user: result.user, ...result.tokens };
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
  @ApiOperation({ summary: 'End this session: its tokens stop working and its sockets close' })
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
