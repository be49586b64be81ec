import { Command } from '@nestjs/cqrs';
import type { MovementExceptionView } from '../movement-exception-view';

/** An operator books an exception's movement where it belongs, out of suspense (it may be refused again). */
export class RetryMovementExceptionCommand extends Command<{
  exception: MovementExceptionView;
  movement: { id: string; kind: string; status: string };
}> {
  constructor(readonly exceptionId: string) {
    super();
  }
}
