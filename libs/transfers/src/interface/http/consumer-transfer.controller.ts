import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { parseAmountInput, type CurrencyCode } from '#monay/kernel';
import { idempotencyKeyOf, sendIdempotent } from '#monay/shared';
import { SendBatchTransferCommand } from '../../application/commands/send-batch-transfer/send-batch-transfer.command';
import { BatchTransferRequestDto, SendTransferRequestDto } from './dto/send-transfer.request.dto';
import { sendCommandOf } from './p2p-transfer.controller';

/** The routes existing consumer clients call: the same transfer engine as /p2p-transfer. */
@ApiTags('transfers')
@ApiBearerAuth()
@Controller('consumer')
export class ConsumerTransferController {
  constructor(private readonly commands: CommandBus) {}

  @Post('transfer')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  async transfer(
    @CurrentUser() user: AuthUser,
    @Body() body: SendTransferRequestDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.commands.execute(sendCommandOf(user, request, body, 'consumer.transfer'));
    return sendIdempotent(request, response, result);
  }

  @Post('batch-transfer')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
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
      new SendBatchTransferCommand(user.userId, key, recipients, hashed),
    );
    return sendIdempotent(request, response, result);
  }
}
