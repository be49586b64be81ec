import { Controller, Get, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { parseAmountInput } from '#monay/kernel';
import { ApiErrorResponses } from '#monay/shared';
import { pairOf } from '../swap-pair';
import { toQuoteView } from '../swap-view';
import { QuoteSwapCommand } from './quote-swap.command';
import { SwapQuoteRequestDto } from './swap-quote.request.dto';

/** A quote for a swap between two stablecoins, the caller's to execute once. */
@ApiTags('consumer')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('consumer')
export class QuoteSwapController {
  constructor(private readonly commands: CommandBus) {}

  @ApiErrorResponses(400, 422, 503)
  @Get('swap/quote')
  @ApiOperation({
    summary: 'Quote a swap between two stablecoins',
    description:
      '`amount` of `from` is sold (the provider fee is inside it); `amountOut` is what you get in `to` at `rate`, ' +
      'rounded down to the minor unit. The quote is yours and can be executed once, until `expiresAt`. ' +
      '503 PROVIDER_UNAVAILABLE when no provider that swaps the pair can quote now.',
  })
  async quote(@CurrentUser() user: AuthUser, @Query() query: SwapQuoteRequestDto) {
    const { from, to } = pairOf(query.from, query.to);
    const amount = parseAmountInput(query.amount, from, { field: 'amount' });
    const quote = await this.commands.execute(new QuoteSwapCommand(user.userId, from, to, amount));
    return { success: true, quote: toQuoteView(quote) };
  }
}
