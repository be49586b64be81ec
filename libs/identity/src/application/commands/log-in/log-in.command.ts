import { Command } from '@nestjs/cqrs';
import type { TokenPair } from '../../../infrastructure/token-issuer';
import type { ClientInfo, UserView } from '../../user-view';

export class LogInCommand extends Command<{ user: UserView; tokens: TokenPair }> {
  constructor(
    readonly email: string,
    readonly password: string,
    readonly client: ClientInfo = {},
  ) {
    super();
  }
}
