import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentUser, STEP_UP_HEADER, stepUpContextOf, type AuthUser } from '#monay/identity';
import { parseAmountInput } from '#monay/kernel';
import { ApiErrorResponses, PageQueryDto } from '#monay/shared';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { LimitsPatch } from '../../application/card-lifecycle';
import { CloseCardCommand } from '../../application/commands/close-card/close-card.command';
import { FreezeCardCommand } from '../../application/commands/freeze-card/freeze-card.command';
import { IssueCardCommand } from '../../application/commands/issue-card/issue-card.command';
import { ReportCardCommand } from '../../application/commands/report-card/report-card.command';
import { RevealCardCommand } from '../../application/commands/reveal-card/reveal-card.command';
import { SetCardLimitsCommand } from '../../application/commands/set-card-limits/set-card-limits.command';
import { GetCardQuery } from '../../application/queries/get-card/get-card.query';
import { ListCardTransactionsQuery } from '../../application/queries/list-card-transactions/list-card-transactions.query';
import { ListCardsQuery } from '../../application/queries/list-cards/list-cards.query';
import {
  CardLimitsRequestDto,
  CreateCardRequestDto,
  FreezeCardRequestDto,
  ReportCardRequestDto,
} from './dto/cards.request.dto';

function cents(value: string | number | null | undefined, field: string): bigint | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  return parseAmountInput(value, 'USD', { field }).minor;
}

function limitsOf(dto: CardLimitsRequestDto | undefined): LimitsPatch {
  if (!dto) return {};
  return {
    perAuthorization: cents(dto.perAuthorization, 'perAuthorization'),
    daily: cents(dto.daily, 'daily'),
    monthly: cents(dto.monthly, 'monthly'),
    allTime: cents(dto.allTime, 'allTime'),
    blockedCategories: dto.blockedCategories,
  };
}

/** Virtual cards funded by the stablecoin balance (libs/cards). Only the last 4 digits appear, but on reveal. */
@ApiTags('cards')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller()
export class CardsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @ApiErrorResponses(400, 403, 422, 503)
  @Post('card/virtual/create')
  @ApiOperation({
    summary: 'Issue a virtual card',
    description:
      'Tier gate `virtual_cards` (Verified): 403 KYC_TIER_REQUIRED below it. Funded by `fundingCurrency` (USDC ' +
      'by default; USDT, PYUSD), 1 USD = 1 unit. Limits in USD (per authorization, daily, monthly, all time) and ' +
      'blocked merchant categories. The answer has the last 4 digits, expiry and state, never the PAN.',
  })
  async create(@CurrentUser() user: AuthUser, @Body() body: CreateCardRequestDto) {
    const card = await this.commands.execute(
      new IssueCardCommand(user.userId, body.nickname, body.fundingCurrency ?? 'USDC', limitsOf(body.limits)),
    );
    return { success: true, card };
  }

  @ApiErrorResponses(400, 404)
  @Get('card/virtual/:id')
  @ApiOperation({ summary: 'A card, with its limits and current usage (no PAN, no CVV)' })
  async get(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return { success: true, card: await this.queries.execute(new GetCardQuery(user.userId, id)) };
  }

  @ApiErrorResponses(400, 403, 404, 409, 429)
  @Post('card/virtual/:id/reveal')
  @HttpCode(200)
  @ApiHeader({
    name: STEP_UP_HEADER,
    required: true,
    description: 'A step-up token (POST /api/auth/step-up)',
  })
  @ApiOperation({
    summary: "Reveal a card's PAN and CVV",
    description:
      '403 STEP_UP_REQUIRED without a fresh step-up token (every user: 2FA, or a code to a verified email or ' +
      'phone); 429 CARD_REVEAL_RATE_LIMITED past CARD_REVEAL_LIMIT_PER_HOUR. Each reveal is in the audit log; ' +
      'the PAN and CVV are never logged.',
  })
  async reveal(@CurrentUser() user: AuthUser, @Param('id') id: string, @Req() request: Request) {
    return {
      success: true,
      card: await this.commands.execute(
        new RevealCardCommand(user.userId, id, stepUpContextOf(user, request)),
      ),
    };
  }

  @ApiErrorResponses(400, 404, 503)
  @Delete('card/virtual/:id')
  @ApiOperation({
    summary: 'Close a card (final)',
    description:
      'Its pending authorizations still clear or are released; new ones are declined (CARD_CLOSED).',
  })
  async close(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return { success: true, card: await this.commands.execute(new CloseCardCommand(user.userId, id)) };
  }

  @ApiErrorResponses(400, 404, 409, 503)
  @Put('card/:id/freeze')
  @ApiOperation({
    summary: 'Pause (frozen: true) or open again (frozen: false)',
    description: 'A paused card declines at once (CARD_PAUSED).',
  })
  async freeze(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: FreezeCardRequestDto) {
    return {
      success: true,
      card: await this.commands.execute(new FreezeCardCommand(user.userId, id, body.frozen)),
    };
  }

  @ApiErrorResponses(400, 404, 409)
  @Put('card/:id/limits')
  @ApiOperation({
    summary: "Set a card's limits and blocked categories",
    description: 'The answer carries the current usage.',
  })
  async limits(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: CardLimitsRequestDto) {
    return {
      success: true,
      card: await this.commands.execute(new SetCardLimitsCommand(user.userId, id, limitsOf(body))),
    };
  }

  @ApiErrorResponses(400, 404, 409, 503)
  @Post('card/:id/report')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Report a card lost or stolen',
    description:
      'In one step: the card is closed (it declines from now on) and a replacement issued with the same limits, ' +
      'controls and funding, `replacementFor` naming the old card. The answer carries the new card.',
  })
  async report(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: ReportCardRequestDto) {
    return {
      success: true,
      ...(await this.commands.execute(new ReportCardCommand(user.userId, id, body.reason))),
    };
  }

  @ApiErrorResponses(400)
  @Get('cards')
  @ApiOperation({ summary: "The user's cards, newest first" })
  async list(@CurrentUser() user: AuthUser) {
    return { success: true, cards: await this.queries.execute(new ListCardsQuery(user.userId)) };
  }

  @ApiErrorResponses(400, 404)
  @Get('card/:id/transactions')
  @ApiOperation({
    summary: "A card's activity (authorizations, declines, clearings, reversals, expiries, refunds)",
  })
  async transactions(@CurrentUser() user: AuthUser, @Param('id') id: string, @Query() query: PageQueryDto) {
    return {
      success: true,
      ...(await this.queries.execute(
        new ListCardTransactionsQuery(user.userId, id, query.limit ?? 20, query.cursor),
      )),
    };
  }
}
