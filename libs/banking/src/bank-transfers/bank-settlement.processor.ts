import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock, DueWork, JobName, JobPayloads, JobQueue, OnJob, type DueWorkSweeper } from '#monay/shared';
import { BillPay } from '../bill-pay/bill-pay';
import { BANK_RAIL_VENDOR, type BankRailVendor } from '../vendors/bank-rail.port';
import { BankTransferEngine } from './bank-transfer-engine';
import { BankTransferRepository } from './bank-transfer.repository';

/**
 * Every minute, and whenever the sandbox clock is advanced (due work): the sandbox vendor first does what is due on
 * its side (its own clock), then every transfer due for a check is asked about and the vendor's answer applied —
 * pending ones at their settlement time, settled ones daily for the 60-day return window, unsent ones sent — and
 * bill payments move on to their next state. Webhooks
 * make this faster; this makes them optional.
 */
@Injectable()
export class BankSettlementProcessor implements OnApplicationBootstrap, DueWorkSweeper {
  private readonly logger = new Logger('BankSettlement');
  readonly name = 'banking.settle-bank-transfers';

  constructor(
    private readonly repository: BankTransferRepository,
    private readonly engine: BankTransferEngine,
    @Inject(BANK_RAIL_VENDOR) private readonly vendor: BankRailVendor,
    private readonly billPay: BillPay,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    dueWork: DueWork,
  ) {
    dueWork.register(this);
  }

  onApplicationBootstrap(): void {
    this.jobs
      .schedule(JobName.SettleBankTransfers, '* * * * *', { limit: 500 })
      .catch((error: unknown) =>
        this.logger.warn(`Could not declare the bank settlement schedule: ${String(error)}`),
      );
  }

  @OnJob(JobName.SettleBankTransfers)
  async settle({ limit }: JobPayloads[JobName.SettleBankTransfers]): Promise<{ changed: number }> {
    await this.clock.sync();
    return { changed: await this.run(this.clock.now(), limit) };
  }

  sweep(now: Date): Promise<number> {
    return this.run(now, 500);
  }

  private async run(now: Date, limit: number): Promise<number> {
    if (this.vendor.runDue) await this.vendor.runDue(now);
    let changed = 0;
    // A transfer settled in this sweep is due for its first return check at settlement + 1 day, which a clock
    // advanced by days has passed already: a second round asks about it at once (each check moves the next one past
    // `now`, so the rounds end).
    for (let round = 0; round < 3; round += 1) {
      const due = await this.repository.due(now, limit);
      if (due.length === 0) break;
      for (const transfer of due) {
        try {
          const after = await this.engine.refresh(transfer);
          if (after.status !== transfer.status) changed += 1;
        } catch (error) {
          this.logger.warn({ err: error, transferId: transfer.id }, 'Could not settle a bank transfer');
        }
      }
    }
    return changed + (await this.billPay.runDue(now));
  }
}
