import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, Roles } from '#monay/shared';
import { ProviderReconciler } from '../provider-reconciler';

/** Provider reconciliation reports for operators: the latest finished, or one by id. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@ApiErrorResponses(401, 403)
@Controller('admin/reconciliation')
export class ReconciliationReportsController {
  constructor(private readonly reconciler: ProviderReconciler) {}

  // `latest` before `:id`: routes match in the order they are declared.
  @ApiErrorResponses(404)
  @Get('latest')
  @ApiOperation({ summary: 'The latest finished reconciliation report (404 if none has finished yet)' })
  async latest() {
    return { success: true, report: await this.reconciler.latest() };
  }

  @ApiErrorResponses(404)
  @Get(':id')
  @ApiOperation({ summary: 'One reconciliation report, running or finished' })
  async get(@Param('id') id: string) {
    return { success: true, report: await this.reconciler.get(id) };
  }
}
