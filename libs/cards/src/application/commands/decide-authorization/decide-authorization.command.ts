import { Command } from '@nestjs/cqrs';
import type { AuthorizationAnswer } from '../../card-authorizations';
import type { SignedMessage } from '../../card-network-events';

/** The issuer's real-time question, as received (signed): answered approve or decline. */
export class DecideAuthorizationCommand extends Command<AuthorizationAnswer> {
  constructor(
    readonly issuer: string,
    readonly message: SignedMessage,
    readonly body: unknown,
  ) {
    super();
  }
}
