import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, STEP_UP_HEADER, stepUpContextOf, type AuthUser } from '#monay/identity';
import { parseAmountInput, type CurrencyCode } from '#monay/kernel';
import { idempotencyKeyOf, sendIdempotent, ApiErrorResponses } from '#monay/shared';
import { P2pInvites } from '../../application/invites/p2p-invites';
import { SendP2pTransferCommand } from '../../application/commands/send-p2p-transfer/send-p2p-transfer.command';
import { GetTransferStatusQuery } from '../../application/queries/get-transfer-status/get-transfer-status.query';
import { ValidateTransferQuery } from '../../application/queries/validate-transfer/validate-transfer.query';
import { SendTransferRequestDto, TransferLegDto } from './dto/send-transfer.request.dto';
import { LimitsRecipientLookups } from './recipient-lookup-limit';

/** Builds the send command from a validated body; the consumer route uses it too. */
export function sendCommandOf(user: AuthUser, request: Request, body: SendTransferRequestDto, scope: string) {
  const { key, payload } = idempotencyKeyOf(request, body);
  const currency = (body.currency ?? 'USDC') as CurrencyCode;
  const amount = parseAmountInput(body.amount, currency, { field: 'amount' });
  return new SendP2pTransferCommand(
    user.userId,
    key,
    scope,
    body.to,
    amount,
    body.note ?? null,
    { ...payload, amount: amount.toDecimalString(), currency },
    stepUpContextOf(user, request),
    body.inviteIfUnknown === true,
  );
}

@ApiTags('transfers')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('p2p-transfer')
export class P2pTransferController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly invites: P2pInvites,
  ) {}

  @ApiErrorResponses(400, 422)
  @Post('validate')
  @HttpCode(200)
  @LimitsRecipientLookups('every')
  @ApiOperation({
    summary: 'What a send would do, moving nothing',
    description:
      'The recipient is shown as a masked form of what was typed ("d***@e***.com", "+1 *** *** 4567"), never ' +
      'its user id or email; an unknown recipient answers 200 with the same shape (`valid: false`, ' +
      '`checks.recipientFound: false`). Each call counts against RECIPIENT_LOOKUP_LIMIT_PER_HOUR (429 ' +
      'RATE_LIMITED with Retry-After past it).',
  })
  async validate(@CurrentUser() user: AuthUser, @Body() body: TransferLegDto) {
    const amount = parseAmountInput(body.amount, (body.currency ?? 'USDC') as CurrencyCode, {
      field: 'amount',
    });
    return {
      success: true,
      ...(await this.queries.execute(new ValidateTransferQuery(user.userId, body.to, amount))),
    };
  }

  @ApiErrorResponses(400, 404, 409, 422, 503)
  @Post('send')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiHeader({
    name: STEP_UP_HEADER,
    required: false,
    description: 'A step-up token (POST /api/auth/step-up)',
  })
  @LimitsRecipientLookups('unknown')
  @ApiOperation({
    summary: 'Send money to a Monay user or to an external 0x address',
    description:
      'To a Monay user: booked at once (201) or refused (422). To an external address: the amount plus the ' +
      'highest fee a provider may charge is held, then a provider sends it on chain (the note as its memo where ' +
      'the vendor allows): 201 when done (the hold posted for amount + the actual fee), 202 while the provider ' +
      'works on it, 422 when refused or failed at the provider (hold voided), 503 PROVIDER_UNAVAILABLE when no ' +
      'provider can take it (nothing held; the same key may be retried). `GET /p2p-transfer/status/:id` finds ' +
      'either kind. 403 STEP_UP_REQUIRED `{methods, reasons}` when the payment needs a fresh second factor ' +
      '(above STEP_UP_AMOUNT_USD; with 2FA also a new recipient or address): nothing is stored, step up and ' +
      'retry with X-Step-Up-Token and the same Idempotency-Key. With `inviteIfUnknown: true`, an email or phone no ' +
      'user has is not 404: 202 with a `pending_claim` transfer — amount + fee held (counted against your balance ' +
      'and limits), an invitation sent; the first user to verify that address within P2P_INVITE_CLAIM_DAYS receives ' +
      'it once; after that, or on POST /p2p-transfer/:id/cancel, it returns to you.',
  })
  async send(
    @CurrentUser() user: AuthUser,
    @Body() body: SendTransferRequestDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.commands.execute(sendCommandOf(user, request, body, 'p2p-transfer.send'));
    return sendIdempotent(request, response, result);
  }

  @ApiErrorResponses(404)
  @Get('status/:id')
  async status(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return { success: true, ...(await this.queries.execute(new GetTransferStatusQuery(user.userId, id))) };
  }

  @ApiErrorResponses(404, 409)
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Take back money sent to someone not signed up yet, while it waits to be claimed',
    description:
      'The hold is voided and your limits are given back. 409 INVITE_NOT_PENDING once it was claimed or returned; ' +
      '404 for any other transfer id.',
  })
  async cancel(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return { success: true, transfer: await this.invites.cancel(user.userId, id) };
  }
}
