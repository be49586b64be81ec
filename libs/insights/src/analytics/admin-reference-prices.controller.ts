import { Body, Controller, Get, HttpCode, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles, ApiErrorResponses } from '#monay/shared';
import { InvalidDateRangeError, ReferencePriceFixedError } from './analytics.errors';
import { RecordReferencePriceRequestDto, ReferencePricesQueryDto } from './dto/analytics-query.dto';
import { ReferencePriceBook, utcDay, type DailyPrice } from './reference-prices';
import { addDays, daysBetween, startOfMonth } from './rollup';

const view = (price: DailyPrice) => ({
  currency: price.currency,
  day: price.day,
  price: price.price,
  source: price.source,
  recordedAt: price.recordedAt.toISOString(),
});

/**
 * The daily USD reference prices movements are valued at (a price feed's door): a day's price is written once and
 * never changed.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@ApiErrorResponses(401, 403)
@Controller('admin/reference-prices')
export class AdminReferencePricesController {
  constructor(private readonly prices: ReferencePriceBook) {}

  @Put()
  @HttpCode(201)
  @ApiErrorResponses(400, 409)
  @ApiOperation({
    summary:
      "Records a currency's USD price for a UTC day that has none yet (at most tomorrow) → 201; a day already " +
      'priced → 409 REFERENCE_PRICE_FIXED',
  })
  async record(@Body() body: RecordReferencePriceRequestDto) {
    const tomorrow = addDays(utcDay(new Date()), 1);
    if (body.day > tomorrow) {
      throw new InvalidDateRangeError(`day must be at most ${tomorrow}`, { day: body.day, latest: tomorrow });
    }
    const { recorded, price } = await this.prices.record(body.currency, body.day, body.price);
    if (!recorded) throw new ReferencePriceFixedError(price.currency, price.day, price.price);
    return { success: true, price: view(price) };
  }

  @Get()
  @ApiErrorResponses(400)
  @ApiOperation({
    summary: 'Recorded prices of [from, to] (UTC days; default this month), optionally one currency',
  })
  async list(@Query() query: ReferencePricesQueryDto) {
    const to = query.to ?? utcDay(new Date());
    const from = query.from ?? startOfMonth(to);
    if (from > to || daysBetween(from, to) > 3660) {
      throw new InvalidDateRangeError('from must not be after to, and the range at most 10 years', {
        from,
        to,
      });
    }
    return { success: true, prices: (await this.prices.list(query.currency ?? null, from, to)).map(view) };
  }
}
