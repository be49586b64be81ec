import { ApiErrorResponses } from '#monay/shared';
import { Body, Controller, Get, HttpCode, Param, Put, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { AnalyticsQueries, MAX_RANGE_DAYS } from './analytics-queries';
import { AnalyticsRules } from './analytics-rules';
import { CorrectCategoryRequestDto, ExportQueryDto } from './dto/analytics-query.dto';
import { TransactionExport } from './transaction-export';

/** The caller's transactions as analytics sees them: a streamed export, and the correction of one's category. */
@ApiTags('analytics')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('transactions')
export class TransactionAnalyticsController {
  constructor(
    private readonly analytics: AnalyticsQueries,
    private readonly rules: AnalyticsRules,
    private readonly exporter: TransactionExport,
  ) {}

  @Get('export')
  @ApiProduces('text/csv', 'application/json')
  @ApiErrorResponses(400)
  @ApiOperation({
    summary:
      'Your transactions of [from, to] (local days; default this month), oldest first, streamed as CSV (date, type, ' +
      'currency, amount, fee, usd_amount, fx_rate, counterparty, category, sub_category, merchant, note, status, ' +
      'reference) or JSON',
  })
  async export(@CurrentUser() user: AuthUser, @Query() query: ExportQueryDto): Promise<StreamableFile> {
    const { timezone, today } = await this.analytics.today(user.userId);
    const range = this.analytics.resolveRange(query.from, query.to, today, MAX_RANGE_DAYS.export);
    const format = query.format ?? 'csv';
    const chunks =
      format === 'csv'
        ? this.exporter.csv(user.userId, range, timezone)
        : this.exporter.json(user.userId, range, timezone);
    const file = new StreamableFile(Readable.from(chunks), {
      type: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      disposition: `attachment; filename="monay-transactions-${range.from}-${range.to}.${format}"`,
    });
    // Headers are gone once rows flow: a failure then cuts the connection, so that a truncated file is never
    // mistaken for a whole one.
    file.setErrorHandler((error, response) => {
      (response as unknown as { destroy(error?: Error): void }).destroy(error);
    });
    return file;
  }

  @Put(':id/category')
  @HttpCode(200)
  @ApiErrorResponses(400, 404, 422)
  @ApiOperation({
    summary:
      "Sets one transaction's category (null: back to rules and the classifier); answers with a rule you could " +
      'create for its merchant or counterparty, and how many past transactions it would change',
  })
  correct(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: CorrectCategoryRequestDto) {
    return this.rules.correct(user.userId, id, body.category);
  }
}
