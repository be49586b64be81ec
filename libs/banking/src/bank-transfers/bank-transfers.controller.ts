import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, STEP_UP_HEADER, stepUpContextOf, type AuthUser } from '#monay/identity';
import { parseAmountInput } from '#monay/kernel';
import { ApiErrorResponses, idempotencyKeyOf, sendIdempotent } from '#monay/shared';
import { BankTransferEngine } from './bank-transfer-engine';
import { AchTransferRequestDto, WireTransferRequestDto } from './bank-transfer.request.dto';

const PENDING =
  '202 with the transfer `pending` until the rail processes it on the banking clock (`expectedSettlementAt`). ' +
  'Withdrawals: 403 STEP_UP_REQUIRED above STEP_UP_AMOUNT_USD (nothing stored; step up, retry with the same key). ' +
  '403 KYC_TIER_REQUIRED (Verified for ACH, Premium for wires) or BANK_RAILS_FROZEN; 404 BANK_ACCOUNT_NOT_FOUND; ' +
  '422 BANK_ACCOUNT_NOT_VERIFIED, INSUFFICIENT_FUNDS, LIMIT_EXCEEDED. Same key and body: the same answer.';

/** Money between the user's bank and their wallet over ACH and wire. */
@ApiTags('bank-transfers')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller()
export class BankTransfersController {
  constructor(private readonly engine: BankTransferEngine) {}

  @Post('add-money/ach')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiErrorResponses(400, 403, 404, 409, 422)
  @ApiOperation({
    summary: 'Add money from your bank account by ACH',
    description: `Pulls USD from the bank; the wallet is credited amount − fee in USDC when it settles. ${PENDING}`,
  })
  async addMoney(
    @CurrentUser() user: AuthUser,
    @Body() body: AchTransferRequestDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.ach(user, body, request, response, 'deposit');
  }

  @Get('add-money/ach/status/:id')
  @ApiErrorResponses(404)
  @ApiOperation({
    summary:
      'An ACH add-money: pending | processed | failed | cancelled | returned, with the R-code and its meaning',
  })
  async addMoneyStatus(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return { success: true, transfer: await this.engine.status(user.userId, id) };
  }

  @Post('add-money/ach/:id/cancel')
  @HttpCode(200)
  @ApiErrorResponses(404, 409)
  @ApiOperation({ summary: 'Cancel a pending ACH before its cut-off (`cancelBefore`); nothing moves' })
  async cancelAddMoney(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return { success: true, transfer: await this.engine.cancel(user.userId, id) };
  }

  @Post('withdrawal/ach')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiHeader({
    name: STEP_UP_HEADER,
    required: false,
    description: 'A step-up token (POST /api/auth/step-up)',
  })
  @ApiErrorResponses(400, 403, 404, 409, 422)
  @ApiOperation({
    summary: 'Withdraw to your bank account by ACH',
    description: `Amount + fee are held on the wallet at once, posted when the rail processes it, released if it fails; a return after settlement gives them back with a new ledger transaction. ${PENDING}`,
  })
  async withdraw(
    @CurrentUser() user: AuthUser,
    @Body() body: AchTransferRequestDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.ach(user, body, request, response, 'withdrawal');
  }

  @Get('withdrawal/ach/status/:id')
  @ApiErrorResponses(404)
  @ApiOperation({ summary: 'An ACH or wire withdrawal, as the add-money status route shows it' })
  async withdrawalStatus(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return { success: true, transfer: await this.engine.status(user.userId, id) };
  }

  @Post('withdrawal/ach/:id/cancel')
  @HttpCode(200)
  @ApiErrorResponses(404, 409)
  @ApiOperation({ summary: 'Cancel a pending ACH withdrawal before its cut-off; its hold is released' })
  async cancelWithdrawal(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return { success: true, transfer: await this.engine.cancel(user.userId, id) };
  }

  @Post('withdrawal/wire')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiHeader({
    name: STEP_UP_HEADER,
    required: false,
    description: 'A step-up token (POST /api/auth/step-up)',
  })
  @ApiErrorResponses(400, 403, 404, 409, 422)
  @ApiOperation({
    summary: 'Wire to your bank account (Premium)',
    description: `Same day before the 17:00 ET wire cut-off, else the next business day; a 15.00 fee. ${PENDING}`,
  })
  async wire(
    @CurrentUser() user: AuthUser,
    @Body() body: WireTransferRequestDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { key, payload } = idempotencyKeyOf(request, body);
    const amount = parseAmountInput(body.amount, 'USD', { field: 'amount' });
    const result = await this.engine.request({
      userId: user.userId,
      idempotencyKey: key,
      body: { ...payload, amount: amount.toDecimalString() },
      bankAccountId: body.bankAccountId,
      amount,
      rail: 'wire',
      direction: 'withdrawal',
      speed: 'wire',
      stepUp: stepUpContextOf(user, request),
    });
    return sendIdempotent(request, response, result);
  }

  private async ach(
    user: AuthUser,
    body: AchTransferRequestDto,
    request: Request,
    response: Response,
    direction: 'deposit' | 'withdrawal',
  ) {
    const { key, payload } = idempotencyKeyOf(request, body);
    const amount = parseAmountInput(body.amount, 'USD', { field: 'amount' });
    const speed = body.speed ?? 'standard';
    const result = await this.engine.request({
      userId: user.userId,
      idempotencyKey: key,
      body: { ...payload, amount: amount.toDecimalString(), speed },
      bankAccountId: body.bankAccountId,
      amount,
      rail: 'ach',
      direction,
      speed,
      stepUp: stepUpContextOf(user, request),
    });
    return sendIdempotent(request, response, result);
  }
}
