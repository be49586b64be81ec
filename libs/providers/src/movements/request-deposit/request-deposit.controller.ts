import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { parseAmountInput, type CurrencyCode } from '#monay/kernel';
import { idempotencyKeyOf, sendIdempotent, ApiErrorResponses } from '#monay/shared';
import { RequestDepositCommand } from './request-deposit.command';
import { DepositRequestDto } from './deposit.request.dto';

/** Money in through the stablecoin providers. */
@ApiTags('consumer')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('consumer')
export class RequestDepositController {
  constructor(private readonly commands: CommandBus) {}

  @ApiErrorResponses(400, 409, 422, 503)
  @Post('deposit')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiOperation({
    summary: 'Deposit through a provider (bank, card or crypto)',
    description:
      '201 when credited (the provider withholds its fee: `credited` = amount − fee), 202 while the provider ' +
      'has not confirmed it (`GET /api/consumer/deposits/{id}`), 503 PROVIDER_UNAVAILABLE when no provider ' +
      'can take it (nothing happened; the same key may be retried).',
  })
  async deposit(
    @CurrentUser() user: AuthUser,
    @Body() body: DepositRequestDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { key, payload } = idempotencyKeyOf(request, body);
    const currency = (body.currency ?? 'USDC') as CurrencyCode;
    const amount = parseAmountInput(body.amount, currency, { field: 'amount' });
    const result = await this.commands.execute(
      new RequestDepositCommand(user.userId, key, amount, body.method ?? 'bank', body.urgency ?? 'standard', {
        ...payload,
        amount: amount.toDecimalString(),
        currency,
      }),
    );
    return sendIdempotent(request, response, result);
  }
}
