import { Command } from '@nestjs/cqrs';
import type { TokenPair } from '../../../infrastructure/token-issuer';
import type { MfaChallenge } from '../../two-factor/two-factor.service';
import type { ClientInfo, UserView } from '../../user-view';

/** A password sign-in: a session, or (2FA on) a challenge for the second factor. */
export type LogInResult =
  { mfaRequired: false; user: UserView; tokens: TokenPair } | { mfaRequired: true; challenge: MfaChallenge };

export class LogInCommand extends Command<LogInResult> {
  constructor(
    readonly email: string,
    readonly password: string,
    readonly client: ClientInfo = {},
  ) {
    super();
  }
}
