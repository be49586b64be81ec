export { IdentityModule } from './identity.module';
export { JwtAuthGuard } from './interface/http/jwt-auth.guard';
export { RolesGuard } from './interface/http/roles.guard';
export { CurrentUser, type AuthUser } from './interface/http/auth.decorators';
export {
  RegisterUserCommand,
  type RegisteredUser,
} from './application/commands/register-user/register-user.command';
export { GetProfileQuery } from './application/queries/get-profile/get-profile.query';
export type { UserView } from './application/user-view';
export * from './domain/identity.errors';
export { FindUsersQuery, type UserDirectoryEntry } from './application/queries/find-users/find-users.query';
export { RegisterRequestDto } from './interface/http/dto/register.request.dto';
export { GrantRoleCommand } from './application/commands/grant-role/grant-role.command';
export { AccessTokenVerifier, type VerifiedAccessToken } from './interface/http/access-token-verifier';
export * from './domain/events';
export { StepUp, type StepUpCheck, type StepUpContext, type LazyFact } from './application/step-up/step-up';
export type { StepUpOperation, StepUpMethod, StepUpReason } from './domain/step-up.policy';
export { stepUpContextOf, STEP_UP_HEADER } from './interface/http/client-info';
