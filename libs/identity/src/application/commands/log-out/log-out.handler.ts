import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '#monay/shared';
import { SessionRevocations } from '../../security/session-revocations';
import { LogOutCommand } from './log-out.command';

@CommandHandler(LogOutCommand)
export class LogOutHandler implements ICommandHandler<LogOutCommand> {
  constructor(
    private readonly revocations: SessionRevocations,
    private readonly uow: UnitOfWork,
  ) {}

  async execute({ userId, sessionId }: LogOutCommand): Promise<void> {
    await this.uow.run((tx) => this.revocations.revoke(tx, { userId, only: [sessionId] }, 'logout'));
    this.revocations.published();
  }
}
