import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GrantRoleHandler } from './application/commands/grant-role/grant-role.handler';
import { LogInHandler } from './application/commands/log-in/log-in.handler';
import { LogOutHandler } from './application/commands/log-out/log-out.handler';
import { RefreshSessionHandler } from './application/commands/refresh-session/refresh-session.handler';
import { RegisterUserHandler } from './application/commands/register-user/register-user.handler';
import { FindUsersHandler } from './application/queries/find-users/find-users.handler';
import { GetProfileHandler } from './application/queries/get-profile/get-profile.handler';
import { UserRoles } from './application/user-roles';
import { PasswordHasher } from './infrastructure/password-hasher';
import { RolesGuard } from './interface/http/roles.guard';
import { PurgeExpiredSessionsProcessor } from './infrastructure/purge-expired-sessions.processor';
import { RefreshTokenOrmEntity } from './infrastructure/refresh-token.orm-entity';
import { SessionOrmEntity } from './infrastructure/session.orm-entity';
import { SessionRepository } from './infrastructure/session.repository';
import { TokenIssuer } from './infrastructure/token-issuer';
import { UserOrmEntity } from './infrastructure/user.orm-entity';
import { UserRepository } from './infrastructure/user.repository';
import { AccessTokenVerifier } from './interface/http/access-token-verifier';
import { AuthController } from './interface/http/auth.controller';
import { JwtAuthGuard } from './interface/http/jwt-auth.guard';
import { JwtStrategy } from './interface/http/jwt.strategy';

@Module({
  imports: [
    CqrsModule,
    PassportModule,
    JwtModule.register({}),
    TypeOrmModule.forFeature([UserOrmEntity, SessionOrmEntity, RefreshTokenOrmEntity]),
  ],
  controllers: [AuthController],
  providers: [
    UserRepository,
    SessionRepository,
    PasswordHasher,
    TokenIssuer,
    JwtStrategy,
    JwtAuthGuard,
    AccessTokenVerifier,
    RolesGuard,
    UserRoles,
    RegisterUserHandler,
    LogInHandler,
    RefreshSessionHandler,
    LogOutHandler,
    GrantRoleHandler,
    GetProfileHandler,
    FindUsersHandler,
    PurgeExpiredSessionsProcessor,
  ],
  exports: [JwtAuthGuard, RolesGuard, AccessTokenVerifier],
})
export class IdentityModule {}
