import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { parseAmountInput, type CurrencyCode } from '#monay/kernel';
import { idempotencyKeyOf, sendIdempotent, ApiErrorResponses } from '#monay/shared';
import {
  ExecuteSwapCommand,
  type SwapOrder,
} from './execute-swap.command';
import { QuoteSwapCommand } from '../quote-swap/quote-swap.command';
import { GetSwapQuery } from '../get-swap/get-swap.query';
import { toQuoteView, toSwapView } from '../swap-view';
import { SwapRequestInvalidError } from '../../domain/swap.errors';
import { ExecuteSwapRequestDto } from './execute-swap.request.dto';
import { SwapQuoteRequestDto } from '../quote-swap/swap-quote.request.dto';

/** Swaps between stablecoins: quote, execute at the quoted rate, look one up. */
@ApiTags('consumer')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('consumer')
export class SwapController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

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

  @ApiErrorResponses(400, 409, 422, 503)
  @Post('swap')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiOperation({
    summary: 'Execute a swap: a quote, or {from, to, amount} quoted and executed at once',
    description:
      'Executes at the quoted rate: 201 executed, 202 still at the provider, 422 refused (INSUFFICIENT_FUNDS, ' +
      'LIMIT_EXCEEDED) or failed (nothing moved), 409 QUOTE_EXPIRED or QUOTE_ALREADY_USED (nothing moved), ' +
      "404 for a quote that is not yours, 503 PROVIDER_UNAVAILABLE when the quote's provider cannot take it " +
      'now (nothing moved; the same key may be retried).',
  })
  async swap(
    @CurrentUser() user: AuthUser,
    @Body() body: ExecuteSwapRequestDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { key } = idempotencyKeyOf(request, body);
    let order: SwapOrder;
    let hashed: Record<string, unknown>;
    if (body.quoteId !== undefined) {
      if (body.from !== undefined || body.to !== undefined || body.amount !== undefined) {
        throw new SwapRequestInvalidError('quoteId', 'must be sent alone, or from, to and amount without it');
      }
      order = { quoteId: body.quoteId.toLowerCase() };
      hashed = { quoteId: order.quoteId };
    } else {
      const { from, to } = pairOf(body.from, body.to);
      const amount = parseAmountInput(body.amount, from, { field: 'amount' });
      order = { from, to, amount };
      hashed = { from, to, amount: amount.toDecimalString() };
    }
    const result = await this.commands.execute(new ExecuteSwapCommand(user.userId, key, order, hashed));
    return sendIdempotent(request, response, result);
  }

  @ApiErrorResponses(404)
  @Get('swaps/:id')
  async get(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    const movement = await this.queries.execute(new GetSwapQuery(user.userId, id));
    return { success: true, swap: toSwapView(movement) };
  }
}

/** Two different stablecoins (the DTO checked each one). */
function pairOf(from: string | undefined, to: string | undefined): { from: CurrencyCode; to: CurrencyCode } {
  if (from === to) throw new SwapRequestInvalidError('to', 'must be another currency than from');
  return { from: from as CurrencyCode, to: to as CurrencyCode };
}
