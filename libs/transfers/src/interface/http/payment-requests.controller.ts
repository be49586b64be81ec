import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, STEP_UP_HEADER, stepUpContextOf, type AuthUser } from '#monay/identity';
import { parseAmountInput, type CurrencyCode } from '#monay/kernel';
import { ApiErrorResponses, idempotencyKeyOf, sendIdempotent } from '#monay/shared';
import { PaymentRequests } from '../../application/payment-requests/payment-requests';
import {
  CreatePaymentRequestDto,
  ListPaymentRequestsQueryDto,
  PayPaymentRequestDto,
  QrImageQueryDto,
} from './dto/payment-request.request.dto';
import { LimitsRecipientLookups } from './recipient-lookup-limit';

@ApiTags('payment requests')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('payment-requests')
export class PaymentRequestsController {
  constructor(private readonly requests: PaymentRequests) {}

  @ApiErrorResponses(400, 404, 422)
  @Post()
  @LimitsRecipientLookups('unknown')
  @ApiOperation({
    summary: 'Ask one user for money, or make an open request anyone with the link can pay',
    description:
      'Answers the request with its share link (`<PAY_LINK_BASE_URL>/pay/<token>`), and an EIP-681 URI ' +
      '(`ethereum:<token contract>@1/transfer?address=…&uint256=<base units>`) when you have an on-chain wallet at a ' +
      'provider. A payer who does not exist, or who blocked you, is 404 RECIPIENT_NOT_FOUND.',
  })
  async create(@CurrentUser() user: AuthUser, @Body() body: CreatePaymentRequestDto) {
    const currency = (body.currency ?? 'USDC') as CurrencyCode;
    const amount =
      body.amount === undefined ? null : parseAmountInput(body.amount, currency, { field: 'amount' });
    const request = await this.requests.create(user.userId, {
      from: body.from,
      amount,
      currency,
      note: body.note ?? null,
      expiresIn: body.expiresIn,
    });
    return { success: true, paymentRequest: request };
  }

  @ApiErrorResponses(400)
  @Get()
  @ApiOperation({ summary: 'Your requests (outgoing) or those made to you (incoming), newest first' })
  async list(@CurrentUser() user: AuthUser, @Query() query: ListPaymentRequestsQueryDto) {
    return {
      success: true,
      ...(await this.requests.list(user.userId, {
        direction: query.direction ?? 'outgoing',
        status: query.status,
        cursor: query.cursor,
        limit: query.limit ?? 20,
      })),
    };
  }

  @ApiErrorResponses(404)
  @Get(':id')
  @ApiOperation({ summary: 'A request with its fulfilment (who paid, when, which transfer)' })
  async get(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return { success: true, paymentRequest: await this.requests.get(user.userId, id) };
  }

  @ApiErrorResponses(400, 404)
  @Get(':id/qr')
  @ApiOkResponse({
    description: 'The QR code image',
    content: {
      'image/png': { schema: { type: 'string', format: 'binary' } },
      'image/svg+xml': { schema: { type: 'string' } },
    },
  })
  @ApiOperation({ summary: 'The QR code of the request’s share link (PNG or SVG)' })
  async qr(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Query() query: QrImageQueryDto,
    @Res() response: Response,
  ) {
    const format = query.format ?? 'png';
    const image = await this.requests.qr(user.userId, id, format);
    response
      .status(200)
      .type(format === 'svg' ? 'image/svg+xml' : 'image/png')
      .send(image);
  }

  @ApiErrorResponses(400, 403, 404, 409, 422, 503)
  @Post(':id/pay')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiHeader({
    name: STEP_UP_HEADER,
    required: false,
    description: 'A step-up token (POST /api/auth/step-up)',
  })
  @ApiOperation({
    summary: 'Pay a request through the normal transfer path',
    description:
      'The amount is the request’s (or yours for an open request without one). 201 with the transfer and the ' +
      'request; 422 when the transfer is refused (funds, limits; the request stays payable); 409 ' +
      'PAYMENT_REQUEST_CLOSED when it is paid, declined, cancelled or expired, PAYMENT_REQUEST_ALREADY_PAID when you ' +
      'paid this open request already. Paid once however many payments race for it.',
  })
  async pay(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: PayPaymentRequestDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { key } = idempotencyKeyOf(request, body);
    const amount =
      body.amount === undefined
        ? null
        : parseAmountInput(body.amount, (body.currency ?? 'USDC') as CurrencyCode, { field: 'amount' });
    const result = await this.requests.pay({
      payerId: user.userId,
      requestId: id,
      idempotencyKey: key,
      amount,
      stepUp: stepUpContextOf(user, request),
    });
    return sendIdempotent(request, response, result);
  }

  @ApiErrorResponses(403, 404, 409)
  @Post(':id/decline')
  @HttpCode(200)
  @ApiOperation({ summary: 'The payer declines a request made to them' })
  async decline(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return { success: true, paymentRequest: await this.requests.decline(user.userId, id) };
  }

  @ApiErrorResponses(403, 404, 409)
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'The requester cancels a request' })
  async cancel(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return { success: true, paymentRequest: await this.requests.cancel(user.userId, id) };
  }

  @ApiErrorResponses(403, 404, 409)
  @Post(':id/remind')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Remind the payer (at most once per 24 hours: 429 REMINDER_TOO_SOON with Retry-After)',
  })
  async remind(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return { success: true, paymentRequest: await this.requests.remind(user.userId, id) };
  }
}
