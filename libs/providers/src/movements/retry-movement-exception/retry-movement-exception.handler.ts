import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { MovementExceptionNotFoundError } from '../../domain/movement-exception';
import { MovementExceptionRepository } from '../movement-exception.repository';
import { MovementEngine } from '../movement-engine';
import { toMovementExceptionView } from '../movement-exception-view';
import { MovementPolicies } from '../movement-policy';
import { visibleStatusOf } from '../movement-view';
import { RetryMovementExceptionCommand } from './retry-movement-exception.command';

/**
 * Retries the booking of a movement held in suspense (`POST /api/admin/movement-exceptions/:id/retry`): the
 * suspense booking reversed and the movement booked as it should have been, in one transaction. Refused again
 * (the wallet still cannot take it): the refusal is answered (422 with its code) and nothing changes.
 */
@CommandHandler(RetryMovementExceptionCommand)
export class RetryMovementExceptionHandler implements ICommandHandler<RetryMovementExceptionCommand> {
  constructor(
    private readonly engine: MovementEngine,
    private readonly policies: MovementPolicies,
    private readonly exceptions: MovementExceptionRepository,
  ) {}

  async execute({ exceptionId }: RetryMovementExceptionCommand) {
    const found = await this.exceptions.find(exceptionId);
    if (!found) throw new MovementExceptionNotFoundError();
    const policy = this.policies.get(found.kind);
    if (!policy) throw new Error(`No policy settles ${found.kind} movements in this process`);
    const { exception, movement } = await this.engine.rebook(policy, exceptionId);
    return {
      exception: toMovementExceptionView(exception),
      movement: { id: movement.id, kind: movement.kind, status: visibleStatusOf(movement).status },
    };
  }
}
