import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, Roles } from '#monay/shared';
import { BankReconciler } from './bank-reconciler';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@ApiErrorResponses(401, 403)
@Controller('admin/bank')
export class AdminBankController {
  constructor(private readonly reconciler: BankReconciler) {}

  @Post('reconciliation')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Reconcile the bank rails: each rail’s settlement balance at the vendor against its clearing account',
  })
  async reconcile() {
    return { success: true, ...(await this.reconciler.reconcile()) };
  }
}
