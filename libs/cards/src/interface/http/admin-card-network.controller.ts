import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseAmountInput } from '#monay/kernel';
import { ApiErrorResponses, AppConfig, Roles } from '#monay/shared';
import { CardNotFoundError } from '../../domain/card.errors';
import { CardsRepository } from '../../infrastructure/cards.repository';
import { CardSandbox } from '../../infrastructure/sandbox/card-sandbox';
import { NetworkAuthorizeRequestDto, NetworkStepRequestDto } from './dto/cards.request.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The sandbox card network (outside production): purchases at merchants against a card (our card id, or the
 * issuer's), and what merchants do next. Each step sends the issuer's signed webhooks before it answers.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@ApiErrorResponses(401, 403)
@Controller('admin/sandbox/cards')
export class AdminCardNetworkController {
  constructor(
    private readonly network: CardSandbox,
    private readonly cards: CardsRepository,
    private readonly config: AppConfig,
  ) {}

  @ApiErrorResponses(400, 404)
  @Post(':id/authorize')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A purchase: the network authorizes (asking us in real time)',
    description: 'Declined with ISSUER_TIMEOUT when we do not answer within CARD_AUTHORIZATION_TIMEOUT_MS.',
  })
  async authorize(@Param('id') id: string, @Body() body: NetworkAuthorizeRequestDto) {
    const card = await this.card(id);
    const authorization = await this.network.authorize(card, {
      amount: parseAmountInput(body.amount, 'USD', { field: 'amount' }).minor,
      currency: body.currency ?? 'USD',
      merchant: {
        name: body.merchant.name,
        mcc: body.merchant.mcc,
        city: body.merchant.city ?? null,
        country: body.merchant.country ?? null,
      },
    });
    return { success: true, authorization };
  }

  @ApiErrorResponses(400, 404, 409)
  @Post(':id/increment')
  @HttpCode(200)
  @ApiOperation({ summary: 'An incremental authorization (asked in real time like the first)' })
  async increment(@Param('id') id: string, @Body() body: NetworkStepRequestDto) {
    const authorization = await this.network.increment(
      await this.card(id),
      body.authorizationId,
      this.amount(body),
    );
    return { success: true, authorization };
  }

  @ApiErrorResponses(400, 404, 409, 422)
  @Post(':id/clear')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A clearing (capture)',
    description:
      'Partial (less than authorized: the rest is released), several (`final: false` keeps the rest), or more ' +
      'for tips, up to CARD_OVER_CAPTURE_PERCENT over the authorized amount.',
  })
  async clear(@Param('id') id: string, @Body() body: NetworkStepRequestDto) {
    const authorization = await this.network.clear(
      await this.card(id),
      body.authorizationId,
      this.amount(body),
      body.final ?? true,
    );
    return { success: true, authorization };
  }

  @ApiErrorResponses(400, 404, 409)
  @Post(':id/reverse')
  @HttpCode(200)
  @ApiOperation({ summary: 'A reversal of what is still authorized (all of it without an amount)' })
  async reverse(@Param('id') id: string, @Body() body: NetworkStepRequestDto) {
    const amount = body.amount === undefined ? null : this.amount(body);
    const authorization = await this.network.reverse(await this.card(id), body.authorizationId, amount);
    return { success: true, authorization };
  }

  @ApiErrorResponses(400, 404, 409, 422)
  @Post(':id/refund')
  @HttpCode(200)
  @ApiOperation({ summary: 'A refund of (part of) what was cleared' })
  async refund(@Param('id') id: string, @Body() body: NetworkStepRequestDto) {
    const authorization = await this.network.refund(
      await this.card(id),
      body.authorizationId,
      this.amount(body),
    );
    return { success: true, authorization };
  }

  private amount(body: NetworkStepRequestDto): bigint {
    return parseAmountInput(body.amount ?? '', 'USD', { field: 'amount' }).minor;
  }

  /** The issuer's card id: given, or looked up from ours. */
  private async card(id: string): Promise<string> {
    if (this.config.isProduction) throw new CardNotFoundError();
    if (/^card_[A-Za-z0-9]{1,64}$/.test(id)) return id;
    if (!UUID.test(id)) throw new CardNotFoundError();
    const card = await this.cards.findById(this.cards.manager, id);
    if (!card) throw new CardNotFoundError();
    return card.issuerCardId;
  }
}
