import { Global, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Clock, DueWork, JobName, JobQueue } from '#monay/shared';
import { LedgerService } from './application/ledger.service';
import { HoldExpiryProcessor } from './infrastructure/hold-expiry.processor';
import { LedgerModule } from './ledger.module';

describe('LedgerModule', () => {
  const schedule = jest.fn();

  @Global()
  @Module({
    providers: [
      { provide: getDataSourceToken(), useValue: {} },
      { provide: JobQueue, useValue: { schedule } },
      { provide: Clock, useValue: { now: () => new Date() } },
      { provide: DueWork, useValue: { register: () => undefined } },
    ],
    exports: [getDataSourceToken(), JobQueue, Clock, DueWork],
  })
  class FakeCoreModule {}

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => schedule.mockReset());

  async function boot() {
    const moduleRef = await Test.createTestingModule({ imports: [FakeCoreModule, LedgerModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app;
  }

  it('exports LedgerService and schedules hold expiry and journal sealing every minute on bootstrap', async () => {
    schedule.mockResolvedValue(undefined);
    const app = await boot();
    expect(app.get(LedgerService)).toBeInstanceOf(LedgerService);
    expect(app.get(HoldExpiryProcessor)).toBeInstanceOf(HoldExpiryProcessor);
    expect(schedule).toHaveBeenCalledWith(JobName.ExpireHolds, '* * * * *', { limit: 500 });
    expect(schedule).toHaveBeenCalledWith(JobName.SealLedger, '* * * * *', { maxBlocks: 50 });
    await app.close();
  });

  it('starts even when the queue refuses the schedule', async () => {
    schedule.mockRejectedValue(new Error('queue down'));
    const app = await boot();
    expect(schedule).toHaveBeenCalledTimes(2);
    await app.close();
  });
});
