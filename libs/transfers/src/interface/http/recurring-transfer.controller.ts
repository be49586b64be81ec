import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { parseAmountInput, type CurrencyCode } from '#monay/kernel';
import { idempotencyKeyOf, sendIdempotent, ApiErrorResponses } from '#monay/shared';
import { CancelRecurringTransferCommand } from '../../application/commands/cancel-recurring-transfer/cancel-recurring-transfer.command';
import { CreateRecurringTransferCommand } from '../../application/commands/create-recurring-transfer/create-recurring-transfer.command';
import { UpdateRecurringTransferCommand } from '../../application/commands/update-recurring-transfer/update-recurring-transfer.command';
import { GetRecurringTransferQuery } from '../../application/queries/get-recurring-transfer/get-recurring-transfer.query';
import { ListRecurringTransfersQuery } from '../../application/queries/list-recurring-transfers/list-recurring-transfers.query';
import {
  CreateRecurringTransferRequestDto,
  ListRecurringTransfersQueryDto,
  UpdateRecurringTransferRequestDto,
} from './dto/recurring-transfer.request.dto';
import { LimitsRecipientLookups } from './recipient-lookup-limit';

/** Schedules of P2P transfers; each occurrence pays through the same engine as /p2p-transfer/send. */
@ApiTags('recurring transfers')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('recurring')
export class RecurringTransferController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /**
   * A schedule pays on every occurrence, so creating one is a money request: an Idempotency-Key is required
   * (header, or `idempotencyKey` in the body as the seed routes accept), and the same key answers the first
   * create again instead of making a second schedule that would pay a second time.
   */
  @ApiErrorResponses(400, 404, 409, 422)
  @Post('create')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @LimitsRecipientLookups('unknown')
  async create(
    @CurrentUser() user: AuthUser,
    @Body() body: CreateRecurringTransferRequestDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { key, payload } = idempotencyKeyOf(request, body);
    const currency = (body.currency ?? 'USDC') as CurrencyCode;
    const amount = parseAmountInput(body.amount, currency, { field: 'amount' });
    const command = new CreateRecurringTransferCommand(
      user.userId,
      key,
      body.to,
      amount,
      {
        frequency: body.frequency,
        startAt: body.startAt,
        endAt: body.endAt ?? null,
        maxOccurrences: body.maxOccurrences ?? null,
        timezone: body.timezone ?? 'UTC',
      },
      body.note ?? null,
      { ...payload, amount: amount.toDecimalString(), currency },
    );
    return sendIdempotent(request, response, await this.commands.execute(command));
  }

  @ApiErrorResponses(400)
  @Get('list')
  async list(@CurrentUser() user: AuthUser, @Query() query: ListRecurringTransfersQueryDto) {
    const page = await this.queries.execute(
      new ListRecurringTransfersQuery(user.userId, query.limit ?? 20, query.cursor ?? null),
    );
    return { success: true, ...page };
  }

  @ApiErrorResponses(404)
  @Get(':id')
  async get(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return { success: true, ...(await this.queries.execute(new GetRecurringTransferQuery(user.userId, id))) };
  }

  @ApiErrorResponses(400, 404, 409)
  @Put(':id')
  async update(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: UpdateRecurringTransferRequestDto,
  ) {
    const recurring = await this.commands.execute(
      new UpdateRecurringTransferCommand(user.userId, id, {
        amount: body.amount ?? undefined,
        currency: (body.currency ?? undefined) as CurrencyCode | undefined,
        frequency: body.frequency ?? undefined,
        startAt: body.startAt ?? undefined,
        endAt: body.endAt,
        maxOccurrences: body.maxOccurrences,
        timezone: body.timezone ?? undefined,
        note: body.note,
        status: body.status ?? undefined,
      }),
    );
    return { success: true, recurring };
  }

  @ApiErrorResponses(404)
  @Delete(':id')
  @HttpCode(200)
  async cancel(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    const recurring = await this.commands.execute(new CancelRecurringTransferCommand(user.userId, id));
    return { success: true, recurring };
  }
}
