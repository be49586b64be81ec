import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { SwapQuoter } from '../swap-quoter';
import { QuoteSwapCommand } from './quote-swap.command';

/** A quote from the first provider that can swap the pair (see {@link SwapQuoter}); it moves no money. */
@CommandHandler(QuoteSwapCommand)
export class QuoteSwapHandler implements ICommandHandler<QuoteSwapCommand> {
  constructor(private readonly quoter: SwapQuoter) {}

  execute(command: QuoteSwapCommand) {
    return this.quoter.quote({
      userId: command.userId,
      from: command.from,
      to: command.to,
      amount: command.amount,
    });
  }
}
