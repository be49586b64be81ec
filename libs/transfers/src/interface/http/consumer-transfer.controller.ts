import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, STEP_UP_HEADER, stepUpContextOf, type AuthUser } from '#monay/identity';
import { AmountTooLargeError, Money, parseAmountInput, type CurrencyCode } from '#monay/kernel';
import { idempotencyKeyOf, sendIdempotent, ApiErrorResponses } from '#monay/shared';
import { SendBatchTransferCommand } from '../../application/commands/send-batch-transfer/send-batch-transfer.command';
import { BatchTransferRequestDto, SendTransferRequestDto } from './dto/send-transfer.request.dto';
import { sendCommandOf } from './p2p-transfer.controller';
import { LimitsRecipientLookups } from './recipient-lookup-limit';

/** The routes existing consumer clients call: the same transfer engine as /p2p-transfer. */
@ApiTags('transfers')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('consumer')
export class ConsumerTransferController {
  constructor(private readonly commands: CommandBus) {}

  @ApiErrorResponses(400, 404, 409, 422, 503)
  @Post('transfer')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiHeader({
    name: STEP_UP_HEADER,
    required: false,
    description: 'A step-up token (POST /api/auth/step-up)',
  })
  @LimitsRecipientLookups('unknown')
  async transfer(
    @CurrentUser() user: AuthUser,
    @Body() body: SendTransferRequestDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.commands.execute(sendCommandOf(user, request, body, 'consumer.transfer'));
    return sendIdempotent(request, response, result);
  }

  @ApiErrorResponses(400, 409, 422, 503)
  @Post('batch-transfer')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiHeader({
    name: STEP_UP_HEADER,
    required: false,
    description: 'A step-up token (POST /api/auth/step-up)',
  })
  @LimitsRecipientLookups('unknown')
  @ApiOperation({
    summary: 'Pay up to 1,000 recipients at once',
    description:
      'Monay recipients are paid all or nothing in one ledger transaction, Monay’s batch fee charged once: 201, ' +
      'or 422 when refused. With external 0x recipients too, the whole request is refused (422, nothing moves) ' +
      'unless the sender covers the Monay legs, the external legs and the provider fees held; then the Monay ' +
      'legs are booked and the external ones go as ONE provider batch per currency (Tempo, one fee) or, when no ' +
      'batch provider is up, one external transfer per leg through the fallback provider. The answer reports ' +
      'each recipient (`batch.results`): 201 all paid, 202 some still under way (the same request again answers ' +
      'as it stands), 207 settled with some recipients not paid (each says why; nothing taken for them), 422 ' +
      'none paid, 503 when no provider can take an external leg (nothing recorded; the key may be retried). ' +
      '403 STEP_UP_REQUIRED when the batch total is above STEP_UP_AMOUNT_USD (with 2FA also for new recipients ' +
      'or addresses): nothing is stored; step up and retry with X-Step-Up-Token and the same key.',
  })
  async batch(
    @CurrentUser() user: AuthUser,
    @Body() body: BatchTransferRequestDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { key, payload } = idempotencyKeyOf(request, body);
    const recipients = body.recipients.map((recipient, index) => {
      const currency = (recipient.currency ?? 'USDC') as CurrencyCode;
      return {
        to: recipient.to,
        amount: parseAmountInput(recipient.amount, currency, { field: `recipients.${index}.amount` }),
        note: recipient.note ?? null,
      };
    });
    // A batch moves its total per currency in one ledger transaction (and one provider batch): the total is
    // held to the per-movement maximum as each leg is.
    const totals = new Map<CurrencyCode, Money>();
    for (const { amount } of recipients) {
      const code = amount.currency.code;
      const total = (totals.get(code) ?? Money.zero(code)).plus(amount);
      if (total.minor > total.currency.maxPerMovement) {
        throw new AmountTooLargeError(
          'recipients',
          Money.of(total.currency.maxPerMovement, code),
          `the ${code} total of recipients`,
        );
      }
      totals.set(code, total);
    }
    const hashed = {
      ...payload,
      recipients: recipients.map((r) => ({
        to: r.to,
        amount: r.amount.toDecimalString(),
        currency: r.amount.currency.code,
        note: r.note,
      })),
    };
    const result = await this.commands.execute(
      new SendBatchTransferCommand(user.userId, key, recipients, hashed, stepUpContextOf(user, request)),
    );
    return sendIdempotent(request, response, result);
  }
}
