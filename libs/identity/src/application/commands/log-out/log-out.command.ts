import { Command } from '@nestjs/cqrs';

/** Ends the caller's session: every refresh token of its family, and its access tokens, stop working. */
export class LogOutCommand extends Command<void> {
  constructor(
    readonly userId: string,
    readonly sessionId: string,
  ) {
    super();
  }
}
