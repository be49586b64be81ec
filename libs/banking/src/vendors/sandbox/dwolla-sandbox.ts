import { Injectable } from '@nestjs/common';
import { randomInt, randomUUID } from 'node:crypto';
import { BankingCalendar, type Rail } from '../../domain/banking-calendar';
import { sandboxReturnOf } from '../../domain/return-codes';
import type { BankRailVendor, VendorClearing, VendorFundingSource, VendorTransfer } from '../bank-rail.port';
import {
  DwollaSandboxRepository,
  type SandboxEventRow,
  type SandboxFundingSourceRow,
  type SandboxTransferRow,
} from './dwolla-sandbox.repository';
import { DwollaSandboxWebhooks } from './dwolla-sandbox-webhooks';

const MAX_MICRO_ATTEMPTS = 3;

/**
 * A Dwolla-shaped bank rail in the sandbox, on the application clock: transfers stay `pending` until their
 * processing time on the banking calendar, then become `processed` — or `failed` with an R-code when the funding
 * source is named after one (`R01`, `R03`…); a funding source named `R01-late` (any code + `-late`) is processed,
 * then returned (failed after processing) two business days later. Micro-deposits (two amounts under $0.10)
 * arrive on the next business day; three wrong verifications fail them. Every change is an event
 * (`customer_bank_transfer_completed`…) the sandbox delivers as a signed webhook.
 *
 * `runDue(now)` is the vendor's clock: the due-work sweep runs it before asking about our transfers, so advancing
 * the sandbox clock processes what became due.
 */
@Injectable()
export class DwollaSandbox implements BankRailVendor {
  readonly vendor = 'dwolla';

  constructor(
    private readonly repository: DwollaSandboxRepository,
    private readonly calendar: BankingCalendar,
    private readonly webhooks: DwollaSandboxWebhooks,
  ) {}

  async createFundingSource(input: {
    routingNumber: string;
    accountNumber: string;
    type: 'checking' | 'savings';
    name: string;
    verified: boolean;
  }): Promise<VendorFundingSource> {
    const id = randomUUID();
    await this.repository.insertFundingSource({
      id,
      name: input.name,
      routingNumber: input.routingNumber,
      accountMask: input.accountNumber.slice(-4),
      type: input.type,
      status: input.verified ? 'verified' : 'unverified',
      now: new Date(),
    });
    return { id, status: input.verified ? 'verified' : 'unverified', microDeposits: null };
  }

  async fundingSource(id: string): Promise<VendorFundingSource | null> {
    const row = await this.repository.fundingSource(id);
    return row ? fundingSourceOf(row) : null;
  }

  async initiateMicroDeposits(fundingSourceId: string, now: Date): Promise<VendorFundingSource> {
    // Two different amounts between $0.01 and $0.09.
    const amount1 = randomInt(1, 10);
    let amount2 = randomInt(1, 10);
    while (amount2 === amount1) amount2 = randomInt(1, 10);
    await this.repository.startMicroDeposits(
      fundingSourceId,
      amount1,
      amount2,
      this.calendar.microDepositsArrival(now),
    );
    const row = await this.repository.fundingSource(fundingSourceId);
    if (!row) throw new Error(`Funding source ${fundingSourceId} is unknown to the sandbox`);
    return fundingSourceOf(row);
  }

  async verifyMicroDeposits(fundingSourceId: string, amount1Cents: number, amount2Cents: number) {
    return this.repository.transaction(async (tx) => {
      const row = await this.repository.fundingSource(fundingSourceId, tx, true);
      if (!row) throw new Error(`Funding source ${fundingSourceId} is unknown to the sandbox`);
      if (row.micro_status !== 'processed') return { verified: false, source: fundingSourceOf(row) };
      const given = [amount1Cents, amount2Cents].sort((a, b) => a - b);
      const sent = [row.micro_amount1 ?? -1, row.micro_amount2 ?? -1].sort((a, b) => a - b);
      const verified = given[0] === sent[0] && given[1] === sent[1];
      const failed = !verified && row.micro_attempts + 1 >= MAX_MICRO_ATTEMPTS;
      await this.repository.recordMicroAttempt(tx, fundingSourceId, verified, failed);
      const after = (await this.repository.fundingSource(fundingSourceId, tx)) as SandboxFundingSourceRow;
      return { verified, source: fundingSourceOf(after) };
    });
  }

  async setFundingSourceStatus(fundingSourceId: string, status: 'unverified' | 'removed'): Promise<void> {
    await this.repository.setFundingSourceStatus(fundingSourceId, status);
  }

  async createTransfer(input: {
    idempotencyKey: string;
    fundingSourceId: string;
    direction: 'debit' | 'credit';
    rail: Rail;
    clearing: VendorClearing;
    amountCents: bigint;
    now: Date;
  }): Promise<VendorTransfer> {
    const processAt =
      input.clearing === 'wire'
        ? this.calendar.wireSettlement(input.now)
        : this.calendar.achSettlement(
            input.now,
            input.clearing === 'next-available' ? 'same_day' : 'standard',
          );
    const row = await this.repository.insertTransfer({
      id: randomUUID(),
      idempotencyKey: input.idempotencyKey,
      fundingSourceId: input.fundingSourceId,
      rail: input.rail,
      direction: input.direction,
      clearing: input.clearing,
      amountCents: input.amountCents,
      processAt,
      now: input.now,
    });
    return transferOf(row);
  }

  async transfer(id: string): Promise<VendorTransfer | null> {
    const row = await this.repository.transfer(id);
    return row ? transferOf(row) : null;
  }

  async cancelTransfer(id: string): Promise<VendorTransfer> {
    const before = await this.repository.transfer(id);
    const { row, events } = await this.repository.transaction(async (tx) => {
      const after = await this.repository.cancel(tx, id);
      if (!after) throw new Error(`Transfer ${id} is unknown to the sandbox`);
      const changed = before?.status === 'pending' && after.status === 'cancelled';
      const events = changed ? [event('customer_bank_transfer_cancelled', id)] : [];
      await this.repository.appendEvents(tx, events, new Date());
      return { row: after, events };
    });
    this.webhooks.send(events);
    return transferOf(row);
  }

  settlementBalance(rail: Rail): Promise<bigint> {
    return this.repository.settlementBalance(rail);
  }

  /** What the vendor has done by `now`: micro-deposits arrived, transfers processed or failed, late returns. */
  async runDue(now: Date): Promise<number> {
    const events = await this.repository.transaction(async (tx) => {
      const out: SandboxEventRow[] = [];
      for (const id of await this.repository.dueMicroDeposits(tx, now)) {
        out.push(event('customer_microdeposits_completed', id));
      }
      for (const due of await this.repository.duePending(tx, now, 500)) {
        const simulated = sandboxReturnOf(due.name);
        if (simulated && !simulated.late) {
          await this.repository.markFailed(tx, due.id, simulated.code, due.process_at);
          out.push(event('customer_bank_transfer_failed', due.id));
        } else {
          const late = simulated
            ? { code: simulated.code, at: this.calendar.lateReturn(due.process_at) }
            : null;
          await this.repository.markProcessed(tx, due.id, due.process_at, late);
          out.push(event('customer_bank_transfer_completed', due.id));
        }
      }
      for (const due of await this.repository.dueReturns(tx, now, 500)) {
        await this.repository.markFailed(tx, due.id, due.code, due.return_at);
        out.push(event('customer_bank_transfer_failed', due.id));
      }
      await this.repository.appendEvents(tx, out, now);
      return out;
    });
    this.webhooks.send(events);
    return events.length;
  }
}

function event(topic: string, resourceId: string): SandboxEventRow {
  const id = randomUUID();
  const resource = topic.includes('microdeposits') ? 'funding-sources' : 'transfers';
  const body = JSON.stringify({
    id,
    resourceId,
    topic,
    timestamp: new Date().toISOString(),
    _links: {
      self: { href: `https://api-sandbox.dwolla.com/events/${id}` },
      resource: { href: `https://api-sandbox.dwolla.com/${resource}/${resourceId}` },
    },
  });
  return { id, topic, resource_id: resourceId, body };
}

function fundingSourceOf(row: SandboxFundingSourceRow): VendorFundingSource {
  return {
    id: row.id,
    status: row.status,
    microDeposits: row.micro_status
      ? { status: row.micro_status, availableAt: row.micro_available_at, attempts: row.micro_attempts }
      : null,
  };
}

function transferOf(row: SandboxTransferRow): VendorTransfer {
  return {
    id: row.id,
    status: row.status,
    failureCode: row.failure_code,
    processedAt: row.processed_at,
    failedAt: row.failed_at,
    amountCents: BigInt(row.amount_cents),
  };
}
