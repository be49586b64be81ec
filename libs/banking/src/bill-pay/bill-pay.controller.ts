import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { DomainError, parseAmountInput, type CurrencyCode } from '#monay/kernel';
import { ApiErrorResponses, idempotencyKeyOf, sendIdempotent } from '#monay/shared';
import { BillPay } from './bill-pay';
import {
  AddPayeeRequestDto,
  BillerQueryDto,
  BillHistoryQueryDto,
  PayBillRequestDto,
} from './bill-pay.request.dto';

/** A history cursor that is not one of ours. */
export class BillHistoryCursorInvalidError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  readonly kind = 'invalid';
  constructor() {
    super('cursor is not a cursor of this list');
  }
}

function encodeCursor(next: { createdAt: Date; id: string }): string {
  return Buffer.from(`${next.createdAt.toISOString()}|${next.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id ?? ''))
    throw new BillHistoryCursorInvalidError();
  return { createdAt, id };
}

/** Bill pay from the wallet (Verified tier). */
@ApiTags('bill-pay')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('bill-pay')
export class BillPayController {
  constructor(private readonly billPay: BillPay) {}

  @Get('billers')
  @ApiErrorResponses(400)
  @ApiOperation({
    summary: 'The biller directory: utilities, telecom, credit cards, insurance; format and method',
  })
  billers(@Query() query: BillerQueryDto) {
    return { success: true, billers: this.billPay.billers(query.q) };
  }

  @Post('add')
  @ApiErrorResponses(400, 403, 404, 409)
  @ApiOperation({
    summary: 'Add a payee: a biller and your account number there',
    description: '400 BILLER_ACCOUNT_NUMBER_INVALID when the number does not match the biller’s format.',
  })
  async add(@CurrentUser() user: AuthUser, @Body() body: AddPayeeRequestDto) {
    return { success: true, payee: await this.billPay.addPayee(user.userId, body) };
  }

  @Get('list')
  @ApiOperation({
    summary: 'Your payees, with their last payment and the earliest delivery date of one made now',
  })
  async list(@CurrentUser() user: AuthUser) {
    return { success: true, payees: await this.billPay.list(user.userId) };
  }

  @Post('pay')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiErrorResponses(400, 403, 404, 409, 422)
  @ApiOperation({
    summary: 'Pay a bill from the wallet',
    description:
      '202 `{payment:{status: pending, estimatedDelivery, method}}`: the amount is held at once; it becomes processing ' +
      '(the run at the day’s cut-off), sent (the hold posted), posted on delivery, or failed / reversed by the biller. ' +
      '422 DELIVER_BY_TOO_EARLY, INSUFFICIENT_FUNDS, LIMIT_EXCEEDED.',
  })
  async pay(
    @CurrentUser() user: AuthUser,
    @Body() body: PayBillRequestDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { key, payload } = idempotencyKeyOf(request, body);
    const currency = (body.currency ?? 'USDC') as CurrencyCode;
    const amount = parseAmountInput(body.amount, currency, { field: 'amount' });
    const result = await this.billPay.pay({
      userId: user.userId,
      idempotencyKey: key,
      body: { ...payload, amount: amount.toDecimalString(), currency },
      payeeId: body.payeeId,
      amount,
      deliverBy: body.deliverBy,
    });
    return sendIdempotent(request, response, result);
  }

  @Post('payments/:id/cancel')
  @HttpCode(200)
  @ApiErrorResponses(404, 409)
  @ApiOperation({ summary: 'Cancel a payment not yet sent to the biller; its hold is released' })
  async cancel(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return { success: true, payment: await this.billPay.cancel(user.userId, id) };
  }

  @Get('history')
  @ApiErrorResponses(400)
  @ApiOperation({ summary: 'Your bill payments, newest first (cursor-paginated)' })
  async history(@CurrentUser() user: AuthUser, @Query() query: BillHistoryQueryDto) {
    const page = await this.billPay.history(
      user.userId,
      query.limit ?? 20,
      query.cursor ? decodeCursor(query.cursor) : undefined,
    );
    return { success: true, payments: page.payments, nextCursor: page.next ? encodeCursor(page.next) : null };
  }
}
