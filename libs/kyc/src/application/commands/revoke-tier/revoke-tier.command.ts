import { Command } from '@nestjs/cqrs';

export interface TierRevoked {
  userId: string;
  from: { level: number; name: string };
  to: { level: number; name: string };
  reason: string;
}

/** An admin takes a user's verified tier back to Basic, with a reason. */
export class RevokeTierCommand extends Command<TierRevoked> {
  constructor(
    readonly userId: string,
    readonly reason: string,
    readonly adminId: string,
  ) {
    super();
  }
}
