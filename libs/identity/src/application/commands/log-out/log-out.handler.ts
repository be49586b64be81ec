import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { SessionRepository } from '../../../infrastructure/session.repository';
import { LogOutCommand } from './log-out.command';

@CommandHandler(LogOutCommand)
export class LogOutHandler implements ICommandHandler<LogOutCommand> {
  constructor(private readonly sessions: SessionRepository) {}

  async execute({ userId, sessionId }: LogOutCommand): Promise<void> {
    await this.sessions.revoke(sessionId, userId, 'logout');
  }
}
