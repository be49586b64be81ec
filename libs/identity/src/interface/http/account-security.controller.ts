import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuthRateLimited, Public, ApiErrorResponses } from '#monay/shared';
import { AuditQueries, decodeCursor } from '../../application/audit/audit-queries';
import { PasswordService } from '../../application/password/password.service';
import { SessionsService } from '../../application/sessions/sessions.service';
import { STEP_UP_TTL_MS } from '../../application/step-up/step-up-tokens';
import { StepUp } from '../../application/step-up/step-up';
import type { SecondFactorProof } from '../../application/two-factor/second-factor';
import { TwoFactorService } from '../../application/two-factor/two-factor.service';
import { AccountVerificationService } from '../../application/verification/account-verification.service';
import { InvalidSecurityRequestError } from '../../domain/identity.errors';
import {
  CodeSentResponseDto,
  RecoveryCodesResponseDto,
  SecurityEventsResponseDto,
  SessionsResponseDto,
  StepUpResponseDto,
  TwoFactorSetupResponseDto,
} from './account-security.responses';
import { CurrentUser, type AuthUser } from './auth.decorators';
import { clientOf } from './client-info';
import {
  AuditPageQueryDto,
  ChangePasswordRequestDto,
  CodeRequestDto,
  ConfirmTwoFactorRequestDto,
  DisableTwoFactorRequestDto,
  MfaChallengeRequestDto,
  PasswordResetDto,
  PasswordResetRequestDto,
  PhoneVerifyRequestDto,
  SecondFactorRequestDto,
  StepUpCodeRequestDto,
  VerifyEmailRequestDto,
} from './dto/account-security.request.dto';

/** Exactly one of an authenticator code and a recovery code. */
export function secondFactorOf(body: SecondFactorRequestDto): SecondFactorProof {
  if ((body.code === undefined) === (body.recoveryCode === undefined)) {
    throw new InvalidSecurityRequestError(
      'code',
      'send either code or recoveryCode, not both and not neither',
    );
  }
  return body.code !== undefined ? { code: body.code } : { recoveryCode: body.recoveryCode };
}

export function pageOf(query: AuditPageQueryDto): { before?: string; limit: number } {
  const before = decodeCursor(query.cursor);
  if (before === null)
    throw new InvalidSecurityRequestError('cursor', 'cursor must be a cursor returned as nextCursor');
  return { ...(before !== undefined && { before }), limit: query.limit ?? 50 };
}

/** Email and phone verification, by a one-time code (6 digits, 10 minutes, 5 tries). */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('auth')
export class AccountVerificationController {
  constructor(private readonly verification: AccountVerificationService) {}

  @ApiErrorResponses(401, 409)
  @Post('email/verify-request')
  @HttpCode(202)
  @ApiOkResponse({ type: CodeSentResponseDto })
  @ApiOperation({
    summary: 'Send a code (and an app link) to verify the account email',
    description:
      'A 6-digit code, good for 10 minutes and 5 tries; a new request replaces the code. One request a minute ' +
      '(VERIFICATION_RESEND_SECONDS), ten an hour: 429 RATE_LIMITED with Retry-After. 409 EMAIL_ALREADY_VERIFIED.',
  })
  async requestEmail(@CurrentUser() user: AuthUser) {
    const sent = await this.verification.requestEmail(user.userId);
    return { success: true, ...sent, expiresAt: sent.expiresAt.toISOString() };
  }

  @ApiErrorResponses(400, 401, 409)
  @Post('email/verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Verify the email with the code (or the link token)',
    description:
      '400 INVALID_VERIFICATION_CODE (with attemptsLeft), VERIFICATION_CODE_EXPIRED, VERIFICATION_CODE_LOCKED; ' +
      '409 VERIFICATION_NOT_REQUESTED. Roles from ADMIN_EMAILS apply from the next token on.',
  })
  async verifyEmail(
    @CurrentUser() user: AuthUser,
    @Body() body: VerifyEmailRequestDto,
    @Req() request: Request,
  ) {
    if ((body.code === undefined) === (body.token === undefined)) {
      throw new InvalidSecurityRequestError('code', 'send either code or token, not both and not neither');
    }
    const typed = body.code !== undefined ? { code: body.code } : { linkToken: body.token as string };
    const { emailVerifiedAt } = await this.verification.confirmEmail(user.userId, typed, clientOf(request));
    return { success: true, emailVerified: true, emailVerifiedAt: emailVerifiedAt.toISOString() };
  }

  @ApiErrorResponses(400, 401, 409)
  @Post('phone/verify-request')
  @HttpCode(202)
  @ApiOkResponse({ type: CodeSentResponseDto })
  @ApiOperation({
    summary: "Send an SMS code to verify a phone number (the account's, or a new one)",
    description: 'As the email: 6 digits, 10 minutes, 5 tries, one a minute. 400 PHONE_NUMBER_REQUIRED.',
  })
  async requestPhone(@CurrentUser() user: AuthUser, @Body() body: PhoneVerifyRequestDto) {
    const sent = await this.verification.requestPhone(user.userId, body.phone);
    return { success: true, ...sent, expiresAt: sent.expiresAt.toISOString() };
  }

  @ApiErrorResponses(400, 401, 409)
  @Post('phone/verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Verify the phone number with the SMS code',
    description: "The number becomes the account's, verified (409 PHONE_TAKEN if another account has it).",
  })
  async verifyPhone(@CurrentUser() user: AuthUser, @Body() body: CodeRequestDto, @Req() request: Request) {
    const verified = await this.verification.confirmPhone(user.userId, body.code, clientOf(request));
    return {
      success: true,
      phoneVerified: true,
      phone: verified.phone,
      phoneVerifiedAt: verified.phoneVerifiedAt.toISOString(),
    };
  }
}

/** Two-factor authentication: TOTP (an authenticator app) and recovery codes. */
@ApiTags('auth')
@Controller('auth/2fa')
export class TwoFactorController {
  constructor(private readonly twoFactor: TwoFactorService) {}

  @ApiErrorResponses(401, 409)
  @Post('setup')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOkResponse({ type: TwoFactorSetupResponseDto })
  @ApiOperation({
    summary: 'Start enrolling an authenticator app (TOTP, RFC 6238: 30 s, 6 digits)',
    description:
      'A new secret with its otpauth:// URI and QR code; not in force until POST /auth/2fa/verify. The secret is ' +
      'stored encrypted (AES-256-GCM). 409 TWO_FACTOR_ALREADY_ENABLED.',
  })
  async setUp(@CurrentUser() user: AuthUser): Promise<TwoFactorSetupResponseDto> {
    const enrolment = await this.twoFactor.setUp(user.userId);
    return {
      success: true,
      secret: enrolment.secret,
      otpauthUri: enrolment.otpauthUri,
      qrCode: enrolment.qrCodePng,
      qrCodeSvg: enrolment.qrCodeSvg,
    };
  }

  @ApiErrorResponses(400, 401, 409)
  @Post('verify')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOkResponse({ type: RecoveryCodesResponseDto })
  @ApiOperation({
    summary: 'Turn 2FA on with a first code from the app; returns 10 recovery codes, once',
    description: '401 INVALID_TWO_FACTOR_CODE; 409 TWO_FACTOR_NOT_SET_UP, TWO_FACTOR_ALREADY_ENABLED.',
  })
  async verify(
    @CurrentUser() user: AuthUser,
    @Body() body: ConfirmTwoFactorRequestDto,
    @Req() request: Request,
  ): Promise<RecoveryCodesResponseDto> {
    const { recoveryCodes } = await this.twoFactor.confirm(user.userId, body.code, clientOf(request));
    return { success: true, enabled: true, recoveryCodes };
  }

  @ApiErrorResponses(400, 401, 409)
  @Post('disable')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Turn 2FA off: the password and an authenticator code or a recovery code',
    description: '401 INVALID_PASSWORD, INVALID_TWO_FACTOR_CODE; 409 TWO_FACTOR_NOT_ENABLED.',
  })
  async disable(
    @CurrentUser() user: AuthUser,
    @Body() body: DisableTwoFactorRequestDto,
    @Req() request: Request,
  ) {
    await this.twoFactor.disable(
      user.userId,
      { ...secondFactorOf(body), password: body.password },
      clientOf(request),
    );
    return { success: true, enabled: false };
  }

  @Public()
  @AuthRateLimited()
  @ApiErrorResponses(400, 401)
  @Post('challenge')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Complete a sign-in that answered mfaRequired: the mfaToken and a code (or a recovery code)',
    description:
      'Answers the session as POST /auth/login does. A code is accepted once (a replay: 401 ' +
      'INVALID_TWO_FACTOR_CODE); the fifth wrong code locks the challenge (401 MFA_CHALLENGE_LOCKED: sign in ' +
      'again); an unknown, used or expired (5 minutes) token: 401 MFA_CHALLENGE_INVALID. Tries are also limited ' +
      'per account (429 RATE_LIMITED).',
  })
  async challenge(@Body() body: MfaChallengeRequestDto, @Req() request: Request) {
    const { user, tokens } = await this.twoFactor.completeChallenge(
      body.mfaToken,
      secondFactorOf(body),
      clientOf(request),
    );
    return { success: true, user, ...tokens };
  }
}

/** Step-up: a fresh second factor for a risky money move. */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('auth/step-up')
export class StepUpController {
  constructor(private readonly stepUp: StepUp) {}

  @ApiErrorResponses(400, 401, 409)
  @Post('request')
  @HttpCode(202)
  @ApiOkResponse({ type: CodeSentResponseDto })
  @ApiOperation({
    summary: 'Users without 2FA: send a step-up code to a verified email (default) or phone',
    description:
      '409 STEP_UP_METHOD_UNAVAILABLE for users with 2FA (they use their app) and when the channel is not ' +
      'verified. One a minute (429 with Retry-After).',
  })
  async request(@CurrentUser() user: AuthUser, @Body() body: StepUpCodeRequestDto) {
    const sent = await this.stepUp.requestCode(user.userId, body.channel, user.twoFactor);
    return { success: true, ...sent, expiresAt: sent.expiresAt.toISOString() };
  }

  @ApiErrorResponses(400, 401, 409)
  @Post()
  @HttpCode(200)
  @ApiOkResponse({ type: StepUpResponseDto })
  @ApiOperation({
    summary: 'Step up: the authenticator code (or a recovery code) with 2FA, else the code sent by /request',
    description:
      'Returns a step-up token for X-Step-Up-Token, good for 5 minutes for this session only. Retry the refused ' +
      'request (403 STEP_UP_REQUIRED) with it and the same Idempotency-Key.',
  })
  async confirm(
    @CurrentUser() user: AuthUser,
    @Body() body: SecondFactorRequestDto,
    @Req() request: Request,
  ): Promise<StepUpResponseDto> {
    const proof = user.twoFactor ? secondFactorOf(body) : { code: body.code };
    if (!user.twoFactor && (body.code === undefined || body.recoveryCode !== undefined)) {
      throw new InvalidSecurityRequestError('code', 'send the 6-digit code we sent you as code');
    }
    const result = await this.stepUp.confirm(
      user.userId,
      { sessionId: user.sessionId, twoFactor: user.twoFactor, client: clientOf(request) },
      proof,
    );
    return {
      success: true,
      stepUpToken: result.stepUpToken,
      expiresAt: result.expiresAt.toISOString(),
      expiresIn: STEP_UP_TTL_MS / 1000,
      method: result.method,
    };
  }
}

/** Signed-in devices. */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('auth/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @ApiErrorResponses(401)
  @Get()
  @ApiOkResponse({ type: SessionsResponseDto })
  @ApiOperation({ summary: 'The live sessions (devices) of the account, most recently used first' })
  async list(@CurrentUser() user: AuthUser): Promise<SessionsResponseDto> {
    return { success: true, sessions: await this.sessions.list(user.userId, user.sessionId) };
  }

  @ApiErrorResponses(401)
  @Post('revoke-others')
  @HttpCode(200)
  @ApiOperation({ summary: 'End every other session: their tokens stop working and their sockets close' })
  async revokeOthers(@CurrentUser() user: AuthUser, @Req() request: Request) {
    return {
      success: true,
      ...(await this.sessions.revokeOthers(user.userId, user.sessionId, clientOf(request))),
    };
  }

  @ApiErrorResponses(401, 404)
  @Delete(':id')
  @ApiOperation({
    summary:
      'End one session (this one too, if named): its tokens stop working and its sockets close at once',
    description: "Another user's, an unknown or a malformed id: 404. Ended already: 200 with revoked: false.",
  })
  async revoke(@CurrentUser() user: AuthUser, @Param('id') id: string, @Req() request: Request) {
    return { success: true, ...(await this.sessions.revoke(user.userId, id, clientOf(request))) };
  }
}

/** Passwords: change, and reset by an emailed code. */
@ApiTags('auth')
@Controller('auth/password')
export class PasswordController {
  constructor(private readonly passwords: PasswordService) {}

  @ApiErrorResponses(400, 401)
  @Post()
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Change the password: every other session ends',
    description: '401 INVALID_PASSWORD (the current one); 400 WEAK_PASSWORD.',
  })
  async change(
    @CurrentUser() user: AuthUser,
    @Body() body: ChangePasswordRequestDto,
    @Req() request: Request,
  ) {
    const result = await this.passwords.change(user.userId, user.sessionId, body, clientOf(request));
    return { success: true, ...result };
  }

  @Public()
  @AuthRateLimited()
  @ApiErrorResponses(400)
  @Post('reset-request')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a password reset code to the email, if an account has it',
    description:
      'Always 202 with the same body, whether or not the email has an account (no enumeration); one request a ' +
      'minute per address (429 with Retry-After, for any address alike).',
  })
  async requestReset(@Body() body: PasswordResetRequestDto, @Req() request: Request) {
    await this.passwords.requestReset(body.email, clientOf(request));
    return {
      success: true,
      message: 'If an account has this email, a code to reset its password is on its way',
    };
  }

  @Public()
  @AuthRateLimited()
  @ApiErrorResponses(400)
  @Post('reset')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Set a new password with the emailed code: every session ends (sign in again)',
    description:
      '400 INVALID_VERIFICATION_CODE alike for a wrong code, a code never sent and an email without an account; ' +
      'VERIFICATION_CODE_EXPIRED, VERIFICATION_CODE_LOCKED; WEAK_PASSWORD.',
  })
  async reset(@Body() body: PasswordResetDto, @Req() request: Request) {
    await this.passwords.reset(body, clientOf(request));
    return { success: true };
  }
}

/** The user's own security history. */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('auth/security-events')
export class SecurityEventsController {
  constructor(private readonly audit: AuditQueries) {}

  @ApiErrorResponses(400, 401)
  @Get()
  @ApiOkResponse({ type: SecurityEventsResponseDto })
  @ApiOperation({
    summary: "The account's security events, newest first (cursor-paginated)",
    description:
      'Sign-ins (new_sign_in, new_device) and failed ones, 2FA on/off, recovery codes used, password changes and ' +
      'resets, verified email and phone, ended sessions, step-ups.',
  })
  async list(
    @CurrentUser() user: AuthUser,
    @Query() query: AuditPageQueryDto,
  ): Promise<SecurityEventsResponseDto> {
    const page = await this.audit.securityEvents(user.userId, pageOf(query));
    return { success: true, events: page.items, nextCursor: page.nextCursor };
  }
}
