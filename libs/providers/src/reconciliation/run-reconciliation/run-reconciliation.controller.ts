import { Controller, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { Response } from 'express';
import { Roles, ApiErrorResponses } from '#monay/shared';
import { ProviderReconciler } from '../provider-reconciler';

/** How long `?wait=true` waits for the run before answering 202 (it goes on and finishes its report). */
export const RECONCILIATION_WAIT_MS = 30_000;

export class RunReconciliationQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: `Run synchronously and answer 200 with the report (202 if it takes over ${RECONCILIATION_WAIT_MS} ms)`,
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  wait?: 'true' | 'false';
}

/** Provider reconciliation for operators: run it now. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@ApiErrorResponses(401, 403)
@Controller('admin/reconciliation')
export class RunReconciliationController {
  constructor(private readonly reconciler: ProviderReconciler) {}

  @ApiErrorResponses(400)
  @Post('run')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Reconciles every provider balance with its clearing account and checks the ledger invariants: 202 with the ' +
      'report id (the job runs it), or with ?wait=true 200 and the finished report',
  })
  async run(@Query() query: RunReconciliationQueryDto, @Res({ passthrough: true }) response: Response) {
    if (query.wait === 'true') {
      const { reportId, report } = await this.reconciler.runAndWait('admin', RECONCILIATION_WAIT_MS);
      if (report) {
        response.status(200);
        return { success: true, report };
      }
      return { success: true, reportId, status: 'running' };
    }
    const reportId = await this.reconciler.startInBackground('admin');
    return { success: true, reportId, status: 'running' };
  }
}
