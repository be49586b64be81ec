import { Command } from '@nestjs/cqrs';
import type { TokenPair } from '../../../infrastructure/token-issuer';
import type { ClientInfo, UserView } from '../../user-view';

export interface RegisteredUser {
  user: UserView;
  tokens: TokenPair;
}

export class RegisterUserCommand extends Command<RegisteredUser> {
  constructor(
    readonly email: string,
    readonly password: string,
    readonly phone: string | undefined,
    readonly client: ClientInfo = {},
  ) {
    super();
  }
}
