import { Users } from './application/users';
import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditQueries } from './application/audit/audit-queries';
import { GrantRoleHandler } from './application/commands/grant-role/grant-role.handler';
import { LogInHandler } from './application/commands/log-in/log-in.handler';
import { LogOutHandler } from './application/commands/log-out/log-out.handler';
import { RefreshSessionHandler } from './application/commands/refresh-session/refresh-session.handler';
import { RegisterUserHandler } from './application/commands/register-user/register-user.handler';
import { PasswordService } from './application/password/password.service';
import { FindUsersHandler } from './application/queries/find-users/find-users.handler';
import { GetProfileHandler } from './application/queries/get-profile/get-profile.handler';
import { AttemptLimiter } from './application/security/attempt-limiter';
import { SecurityLog } from './application/security/security-log';
import { SessionOpener } from './application/security/session-opener';
import { SessionRevocations } from './application/security/session-revocations';
import { SessionsService } from './application/sessions/sessions.service';
import { StepUp } from './application/step-up/step-up';
import { StepUpTokens } from './application/step-up/step-up-tokens';
import { SecondFactor } from './application/two-factor/second-factor';
import { TwoFactorService } from './application/two-factor/two-factor.service';
import { UserRoles } from './application/user-roles';
import { AccountVerificationService } from './application/verification/account-verification.service';
import { OneTimeCodes } from './application/verification/one-time-codes';
import { VERIFICATION_SENDER } from './application/verification/verification-sender.port';
import { AuditLogRepository } from './infrastructure/audit-log.repository';
import { DevelopmentVerificationSender } from './infrastructure/development-verification-sender';
import { PasswordHasher } from './infrastructure/password-hasher';
import { PurgeExpiredSessionsProcessor } from './infrastructure/purge-expired-sessions.processor';
import { RefreshTokenOrmEntity } from './infrastructure/refresh-token.orm-entity';
import { SecurityKeys } from './infrastructure/security-keys';
import { SessionOrmEntity } from './infrastructure/session.orm-entity';
import { SessionRepository } from './infrastructure/session.repository';
import { TokenIssuer } from './infrastructure/token-issuer';
import { TotpAuthenticator } from './infrastructure/totp-authenticator';
import { TwoFactorRepository } from './infrastructure/two-factor.repository';
import { UserOrmEntity } from './infrastructure/user.orm-entity';
import { UserRepository } from './infrastructure/user.repository';
import { VerificationCodeRepository } from './infrastructure/verification-code.repository';
import { AccessTokenVerifier } from './interface/http/access-token-verifier';
import {
  AccountVerificationController,
  PasswordController,
  SecurityEventsController,
  SessionsController,
  StepUpController,
  TwoFactorController,
} from './interface/http/account-security.controller';
import { AdminAuditController } from './interface/http/admin-audit.controller';
import { AdminAuditInterceptor } from './interface/http/admin-audit.interceptor';
import { AuthController } from './interface/http/auth.controller';
import { JwtAuthGuard } from './interface/http/jwt-auth.guard';
import { JwtStrategy } from './interface/http/jwt.strategy';
import { RolesGuard } from './interface/http/roles.guard';

@Module({
  imports: [
    CqrsModule,
    PassportModule,
    JwtModule.register({}),
    TypeOrmModule.forFeature([UserOrmEntity, SessionOrmEntity, RefreshTokenOrmEntity]),
  ],
  controllers: [
    AuthController,
    AccountVerificationController,
    TwoFactorController,
    StepUpController,
    SessionsController,
    PasswordController,
    SecurityEventsController,
    AdminAuditController,
  ],
  providers: [
    Users,
    UserRepository,
    SessionRepository,
    TwoFactorRepository,
    VerificationCodeRepository,
    AuditLogRepository,
    PasswordHasher,
    TokenIssuer,
    SecurityKeys,
    TotpAuthenticator,
    JwtStrategy,
    JwtAuthGuard,
    AccessTokenVerifier,
    RolesGuard,
    UserRoles,
    AttemptLimiter,
    SecurityLog,
    SessionOpener,
    SessionRevocations,
    OneTimeCodes,
    { provide: VERIFICATION_SENDER, useClass: DevelopmentVerificationSender },
    AccountVerificationService,
    SecondFactor,
    TwoFactorService,
    StepUpTokens,
    StepUp,
    SessionsService,
    PasswordService,
    AuditQueries,
    RegisterUserHandler,
    LogInHandler,
    RefreshSessionHandler,
    LogOutHandler,
    GrantRoleHandler,
    GetProfileHandler,
    FindUsersHandler,
    PurgeExpiredSessionsProcessor,
    { provide: APP_INTERCEPTOR, useClass: AdminAuditInterceptor },
  ],
  exports: [JwtAuthGuard, RolesGuard, AccessTokenVerifier, StepUp, Users],
})
export class IdentityModule {}
