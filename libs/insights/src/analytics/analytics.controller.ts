import { ApiErrorResponses } from '#monay/shared';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { AnalyticsQueries } from './analytics-queries';
import { AnalyticsRules } from './analytics-rules';
import {
  CreateRuleRequestDto,
  DateRangeQueryDto,
  SpendingQueryDto,
  TrendsQueryDto,
} from './dto/analytics-query.dto';

/**
 * Spending analytics of the caller, from the daily rollups (read models), and the caller's categorisation rules.
 * Days are the caller's local days (the `timezone` of the wallet preferences).
 */
@ApiTags('analytics')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('analytics')
export class AnalyticsController {
  constructor(
    private readonly analytics: AnalyticsQueries,
    private readonly rules: AnalyticsRules,
  ) {}

  @Get('spending')
  @ApiErrorResponses(400)
  @ApiOperation({
    summary:
      'Money out per period (day, week, month) and group (category, merchant, counterparty, currency), totals, and ' +
      'the average of the 3 previous periods of the same length (the same number of calendar months for whole months)',
  })
  spending(@CurrentUser() user: AuthUser, @Query() query: SpendingQueryDto) {
    return this.analytics.spending(user.userId, {
      from: query.from,
      to: query.to,
      granularity: query.granularity ?? 'day',
      groupBy: query.groupBy ?? 'category',
    });
  }

  @Get('trends')
  @ApiErrorResponses(400)
  @ApiOperation({
    summary:
      'Income, spending and net per month, and the categories that moved most in the latest month against their ' +
      'median of the months before, with the merchants or counterparties behind each change',
  })
  trends(@CurrentUser() user: AuthUser, @Query() query: TrendsQueryDto) {
    return this.analytics.trends(user.userId, query.months ?? 6);
  }

  @Get('categories')
  @ApiErrorResponses(400)
  @ApiOperation({ summary: 'Share of spending per category and sub-category' })
  categories(@CurrentUser() user: AuthUser, @Query() query: DateRangeQueryDto) {
    return this.analytics.categories(user.userId, query);
  }

  @Get('summary')
  @ApiErrorResponses()
  @ApiOperation({
    summary:
      'This month so far against last month, top categories and merchants, recurring payments, and the balance ' +
      'over the last 30 days',
  })
  summary(@CurrentUser() user: AuthUser) {
    return this.analytics.summary(user.userId);
  }

  @Post('rules')
  @ApiErrorResponses(400, 404, 422)
  @ApiOperation({
    summary:
      'A categorisation rule: movements matching it (merchant, counterparty, note text) from now on get its category',
  })
  createRule(@CurrentUser() user: AuthUser, @Body() body: CreateRuleRequestDto) {
    return this.rules.create(user.userId, body.match, body.category);
  }

  @Get('rules')
  @ApiErrorResponses()
  @ApiOperation({ summary: 'Your rules, newest first (the newest matching rule wins)' })
  listRules(@CurrentUser() user: AuthUser) {
    return this.rules.list(user.userId);
  }

  @Delete('rules/:id')
  @ApiErrorResponses(404)
  @ApiOperation({
    summary: 'Deletes a rule: what it categorised goes back to the next rule or the classifier',
  })
  deleteRule(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.rules.remove(user.userId, id);
  }

  @Post('rules/:id/preview')
  @HttpCode(200)
  @ApiErrorResponses(404)
  @ApiOperation({ summary: 'What applying the rule to past movements would change (nothing is changed)' })
  previewRule(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.rules.preview(user.userId, id);
  }

  @Post('rules/:id/apply')
  @HttpCode(200)
  @ApiErrorResponses(404)
  @ApiOperation({
    summary: 'Applies the rule to past movements too (rollups adjusted exactly); again: no change',
  })
  applyRule(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.rules.apply(user.userId, id);
  }
}
