import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { parseAmountInput } from '#monay/kernel';
import { idempotencyKeyOf, sendIdempotent, ApiErrorResponses } from '#monay/shared';
import { ExecuteSwapCommand, type SwapOrder } from './execute-swap.command';
import { pairOf } from '../swap-pair';
import { SwapRequestInvalidError } from '../../domain/swap.errors';
import { ExecuteSwapRequestDto } from './execute-swap.request.dto';

/** A swap executed at a quote's rate, or quoted and executed at once. */
@ApiTags('consumer')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('consumer')
export class ExecuteSwapController {
  constructor(private readonly commands: CommandBus) {}

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
}
