import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { Money, parseAmountInput, type CurrencyCode } from '#monay/kernel';
import { ApiErrorResponses, IsCurrencyCode, IsMoneyAmount } from '#monay/shared';
import { BalanceMonitorNotFoundError, TooManyBalanceMonitorsError } from '../notifications.errors';
import { BalanceMonitorEvaluator } from './balance-monitor-evaluator';
import { BalanceMonitorsRepository, type BalanceMonitor } from './balance-monitors.repository';

const MAX_MONITORS = 20;

export class CreateBalanceMonitorRequestDto {
  @ApiProperty({ example: 'USDC' })
  @IsCurrencyCode({ stablecoinOnly: true })
  currency!: CurrencyCode;

  @ApiProperty({ enum: ['below', 'above'] })
  @IsIn(['below', 'above'])
  condition!: 'below' | 'above';

  @ApiProperty({ example: '25.00', description: 'The available balance to watch' })
  @IsMoneyAmount({ allowZero: true })
  threshold!: string;
}

const view = (monitor: BalanceMonitor) => ({
  id: monitor.id,
  currency: monitor.currency,
  condition: monitor.condition,
  threshold: Money.of(monitor.threshold, monitor.currency as CurrencyCode).toDecimalString(),
  state: monitor.state,
  crossings: monitor.crossings,
  lastFiredAt: monitor.lastFiredAt?.toISOString() ?? null,
  createdAt: monitor.createdAt.toISOString(),
});

/** Balance monitors: "tell me when my USDC balance goes below 25.00". */
@ApiTags('wallet')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('wallet/monitors')
export class BalanceMonitorsController {
  constructor(
    private readonly monitors: BalanceMonitorsRepository,
    private readonly evaluator: BalanceMonitorEvaluator,
  ) {}

  @ApiErrorResponses(400, 422)
  @Post()
  @ApiOperation({
    summary: 'Watch a balance: notify when the available balance goes below or above a threshold',
    description:
      'Evaluated on every balance change; fires once per crossing (again only after the balance came back), ' +
      'through the transactions category of the notification preferences. At most 20 per user (422).',
  })
  async create(@CurrentUser() user: AuthUser, @Body() body: CreateBalanceMonitorRequestDto) {
    const threshold = parseAmountInput(body.threshold, body.currency, {
      field: 'threshold',
      allowZero: true,
      perMovementMaximum: false,
    });
    if ((await this.monitors.count(user.userId)) >= MAX_MONITORS)
      throw new TooManyBalanceMonitorsError(MAX_MONITORS);
    const monitor = await this.monitors.create({
      userId: user.userId,
      currency: body.currency,
      condition: body.condition,
      threshold: threshold.minor,
    });
    // The balance may already be past the threshold: evaluate it now, as after a change.
    await this.monitors.requestCheck(user.userId);
    this.evaluator.kick();
    return { success: true, monitor: view(monitor) };
  }

  @ApiErrorResponses()
  @Get()
  async list(@CurrentUser() user: AuthUser) {
    return { success: true, monitors: (await this.monitors.list(user.userId)).map(view) };
  }

  @ApiErrorResponses(404)
  @Delete(':id')
  @HttpCode(200)
  async remove(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    if (!(await this.monitors.remove(user.userId, id))) throw new BalanceMonitorNotFoundError();
    return { success: true };
  }
}
