import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, STEP_UP_HEADER, stepUpContextOf, type AuthUser } from '#monay/identity';
import { parseAmountInput, type CurrencyCode } from '#monay/kernel';
import { idempotencyKeyOf, sendIdempotent, ApiErrorResponses } from '#monay/shared';
import { RequestWithdrawalCommand } from './request-withdrawal.command';
import { WithdrawRequestDto } from './withdraw.request.dto';

/** Money out to a bank account or card through the stablecoin providers. */
@ApiTags('consumer')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('consumer')
export class RequestWithdrawalController {
  constructor(private readonly commands: CommandBus) {}

  @ApiErrorResponses(400, 409, 422, 503)
  @Post('withdraw')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiHeader({
    name: STEP_UP_HEADER,
    required: false,
    description: 'A step-up token (POST /api/auth/step-up)',
  })
  @ApiOperation({
    summary: 'Withdraw to a bank account or card',
    description:
      'The amount plus the highest fee a provider may charge is held at once (available drops), then a ' +
      'provider pays out: 201 when paid (the hold posted for amount + the actual fee, the rest released), 202 ' +
      'while the provider works on it, 422 when refused (INSUFFICIENT_FUNDS, LIMIT_EXCEEDED) or failed at the ' +
      'provider (hold voided), 503 PROVIDER_UNAVAILABLE when no provider can take it (hold voided; the same ' +
      'key may be retried). 403 STEP_UP_REQUIRED above STEP_UP_AMOUNT_USD (with 2FA also to a new destination): ' +
      'nothing is stored; step up and retry with X-Step-Up-Token and the same key.',
  })
  async withdraw(
    @CurrentUser() user: AuthUser,
    @Body() body: WithdrawRequestDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { key, payload } = idempotencyKeyOf(request, body);
    const currency = (body.currency ?? 'USDC') as CurrencyCode;
    const amount = parseAmountInput(body.amount, currency, { field: 'amount' });
    const speed = body.speed ?? 'standard';
    const result = await this.commands.execute(
      new RequestWithdrawalCommand(
        user.userId,
        key,
        amount,
        body.destination,
        speed,
        { ...payload, amount: amount.toDecimalString(), currency, speed },
        stepUpContextOf(user, request),
      ),
    );
    return sendIdempotent(request, response, result);
  }
}
