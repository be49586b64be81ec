import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles, ApiErrorResponses } from '#monay/shared';
import { LedgerSealer } from '../../application/ledger-sealer';

/** The journal's hash chain for operators: where it stands, and sealing now rather than at the next minute. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@ApiErrorResponses(401, 403)
@Controller('admin/ledger')
export class AdminLedgerController {
  constructor(private readonly sealer: LedgerSealer) {}

  @ApiErrorResponses()
  @Get('seal')
  @ApiOperation({
    summary: 'The latest sealed point of the journal',
    description:
      '`{block, lastTransactionId, sealedThrough, hash, sealedAt, unsealed}`: the latest hash-chained block, ' +
      'the last ledger transaction it sealed, the journal position (entry id) sealed through, its hash, when, ' +
      'and how many committed transactions are not sealed yet. `npm run ledger:verify` recomputes the chain.',
  })
  async status() {
    return { success: true, seal: await this.sealer.status() };
  }

  @ApiErrorResponses()
  @Post('seal')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Seal the committed journal now',
    description:
      'Runs the sealing job at once (it also runs every minute): `{blocks, transactions, sealedThrough, ' +
      'latestBlock, deferred}`. Idempotent: with nothing new committed it seals nothing.',
  })
  async seal() {
    return { success: true, run: await this.sealer.seal(), seal: await this.sealer.status() };
  }
}
