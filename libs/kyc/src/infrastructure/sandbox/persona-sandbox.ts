import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppConfig, Clock, DueWork, type DueWorkSweeper } from '#monay/shared';
import type { InquiryStatus } from '../../domain/inquiry';
import { missingDocuments, type DocumentSide, type DocumentType } from '../../domain/kyc-requirements';
import type { IdentityFields, KycVendor, VendorInquiry } from '../../application/kyc-vendor.port';
import { KycInquiryNotFoundError, KycInquiryNotInReviewError } from '../../domain/kyc.errors';
import {
  PersonaSandboxRepository,
  type SandboxEventRow,
  type SandboxInquiryRow,
} from './persona-sandbox.repository';
import { PersonaSandboxWebhooks } from './persona-sandbox-webhooks';

/** Persona's event name for each status an inquiry reaches. */
const EVENT_OF: Record<InquiryStatus, string> = {
  created: 'inquiry.created',
  pending: 'inquiry.started',
  completed: 'inquiry.completed',
  failed: 'inquiry.failed',
  expired: 'inquiry.expired',
  needs_review: 'inquiry.marked-for-review',
  approved: 'inquiry.approved',
  declined: 'inquiry.declined',
};

/** The sandbox's outcomes, decided from the data so that tests and demos can drive every path. */
export const SANDBOX_RULES = {
  /** A last name `Review` → needs_review; `Decline` → declined. */
  reviewLastName: 'review',
  declineLastName: 'decline',
  /** A government-id photo whose file name (before the extension) ends in 0000 → errored → the inquiry fails. */
  erroredFileName: /0000(\.[A-Za-z0-9]+)?$/,
} as const;

const DECLINED_REASON = 'We could not verify your identity with the details and documents given';
const ERRORED_REASON = 'Your government ID could not be read; start again with clear photos of both sides';

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

/**
 * A sandbox verification vendor shaped like Persona (../shared/VENDORS.md §1): inquiries created by API with a
 * reference id and an idempotency key; statuses created → pending → completed | failed | expired → needs_review →
 * approved | declined; pending inquiries expire after `KYC_INQUIRY_EXPIRY_HOURS` (the sandbox clock); a government
 * id with front and back photos, a selfie, proof of address and source of funds; a decision
 * `KYC_SANDBOX_DECISION_DELAY_MS` after completion; the reviewer's approve / decline. Its state is in
 * `sandbox_kyc_*` tables, and each status it reaches is a signed webhook event (PersonaSandboxWebhooks).
 * Whatever is due (an expiry, a decision) happens when the inquiry is next read, or when due work is swept.
 */
@Injectable()
export class PersonaSandbox implements KycVendor, DueWorkSweeper {
  readonly vendor = 'persona';
  /** Its due-work sweeper's name. */
  readonly name = 'kyc.sandbox-vendor';
  private readonly logger = new Logger('PersonaSandbox');

  constructor(
    private readonly repository: PersonaSandboxRepository,
    private readonly webhooks: PersonaSandboxWebhooks,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    dueWork: DueWork,
  ) {
    dueWork.register(this);
  }

  async createInquiry(input: {
    referenceId: string;
    idempotencyKey: string;
    targetTier: 2 | 3;
    fields: IdentityFields;
  }): Promise<VendorInquiry> {
    return this.change(async (tx, now, events) => {
      const { row, created } = await this.repository.insertOrGet(tx, {
        id: id('inq'),
        referenceId: input.referenceId,
        idempotencyKey: input.idempotencyKey,
        targetTier: input.targetTier,
        status: 'created',
        fields: input.fields,
        documents: [],
        reasons: [],
        createdAt: now,
        expiresAt: new Date(now.getTime() + this.config.kyc.inquiryExpiryMs),
        decideAt: null,
      });
      if (created) {
        events.push(this.event(row, now));
        // The fields are given with the creation: the inquiry is started at once.
        this.move(row, 'pending', now, events);
        await this.repository.save(tx, row, now);
      }
      return this.dueWork(tx, row, now, events);
    });
  }

  async getInquiry(inquiryId: string): Promise<VendorInquiry | null> {
    return this.change(async (tx, now, events) => {
      const row = await this.repository.lock(tx, inquiryId);
      return row && this.dueWork(tx, row, now, events);
    });
  }

  async attachDocument(
    inquiryId: string,
    document: {
      type: DocumentType;
      side: DocumentSide | null;
      fileName: string;
      contentType: string;
      file: Buffer;
    },
  ): Promise<VendorInquiry> {
    return this.change(async (tx, now, events) => {
      const row = await this.repository.lock(tx, inquiryId);
      if (!row) throw new KycInquiryNotFoundError();
      await this.dueWork(tx, row, now, events);
      if (row.status !== 'created' && row.status !== 'pending') return this.view(row);
      row.documents = row.documents.filter((d) => !(d.type === document.type && d.side === document.side));
      row.documents.push({
        id: id('doc'),
        type: document.type,
        side: document.side,
        status: document.type === 'government_id' ? 'initiated' : 'processed',
        fileName: document.fileName,
      });
      this.processGovernmentId(row);
      if (row.documents.some((d) => d.status === 'errored')) {
        row.reasons = [ERRORED_REASON];
        this.move(row, 'failed', now, events);
      } else if (missingDocuments(row.targetTier, row.documents).length === 0) {
        this.move(row, 'completed', now, events);
        row.decideAt = new Date(now.getTime() + this.config.kyc.sandboxDecisionDelayMs);
      }
      await this.repository.save(tx, row, now);
      return this.dueWork(tx, row, now, events);
    });
  }

  async review(
    inquiryId: string,
    decision: 'approve' | 'decline',
    reason: string | null,
  ): Promise<VendorInquiry> {
    return this.change(async (tx, now, events) => {
      const row = await this.repository.lock(tx, inquiryId);
      if (!row) throw new KycInquiryNotFoundError();
      await this.dueWork(tx, row, now, events);
      if (row.status !== 'needs_review') throw new KycInquiryNotInReviewError(row.status);
      if (decision === 'decline') row.reasons = [reason ?? DECLINED_REASON];
      this.move(row, decision === 'approve' ? 'approved' : 'declined', now, events);
      await this.repository.save(tx, row, now);
      return this.view(row);
    });
  }

  /** Due work: every inquiry whose expiry or decision time has come, at `now`. */
  async sweep(now: Date): Promise<number> {
    let done = 0;
    for (const inquiryId of await this.repository.dueIds(now, 500)) {
      const events: SandboxEventRow[] = [];
      await this.repository.transaction(async (tx) => {
        const row = await this.repository.lock(tx, inquiryId);
        if (row) await this.dueWork(tx, row, now, events);
        await this.repository.appendEvents(tx, events);
      });
      if (events.length > 0) done += 1;
      this.webhooks.send(events);
    }
    return done;
  }

  /** The events the sandbox sent for an inquiry (tests and demos redeliver them). */
  events(inquiryId: string): Promise<SandboxEventRow[]> {
    return this.repository.events(inquiryId);
  }

  /** Runs a change in one transaction at the sandbox clock's time, then sends the events it produced. */
  private async change<T>(
    work: (tx: EntityManager, now: Date, events: SandboxEventRow[]) => Promise<T>,
  ): Promise<T> {
    const events: SandboxEventRow[] = [];
    const result = await this.repository.transaction(async (tx) => {
      const now = this.clock.now();
      const answer = await work(tx, now, events);
      await this.repository.appendEvents(tx, events);
      return answer;
    });
    this.webhooks.send(events);
    return result;
  }

  /** What is due at `now`: the expiry of a pending inquiry, the decision on a completed one. Saves and answers. */
  private async dueWork(
    tx: EntityManager,
    row: SandboxInquiryRow,
    now: Date,
    events: SandboxEventRow[],
  ): Promise<VendorInquiry> {
    const before = events.length;
    if ((row.status === 'created' || row.status === 'pending') && row.expiresAt <= now) {
      this.move(row, 'expired', now, events);
    }
    if (row.status === 'completed' && row.decideAt !== null && row.decideAt <= now) {
      const lastName = row.fields.lastName.trim().toLowerCase();
      if (lastName === SANDBOX_RULES.reviewLastName) this.move(row, 'needs_review', now, events);
      else if (lastName === SANDBOX_RULES.declineLastName) {
        row.reasons = [DECLINED_REASON];
        this.move(row, 'declined', now, events);
      } else this.move(row, 'approved', now, events);
    }
    if (events.length > before) await this.repository.save(tx, row, now);
    return this.view(row);
  }

  /** A government id is submitted once both sides are attached, then processed or errored. */
  private processGovernmentId(row: SandboxInquiryRow): void {
    const sides = row.documents.filter((d) => d.type === 'government_id');
    if (sides.length < 2) return;
    const unreadable = sides.some((d) =>
      SANDBOX_RULES.erroredFileName.test(d.fileName.replace(/\.[^.]*$/, '')),
    );
    for (const side of sides) side.status = unreadable ? 'errored' : 'processed';
  }

  private move(row: SandboxInquiryRow, status: InquiryStatus, now: Date, events: SandboxEventRow[]): void {
    row.status = status;
    events.push(this.event(row, now));
    this.logger.debug(`Inquiry ${row.id} is ${status}`);
  }

  /** Persona's envelope: `{data: {type: "event", id, attributes: {name, created-at, payload: {data: inquiry}}}}`. */
  private event(row: SandboxInquiryRow, now: Date): SandboxEventRow {
    const eventId = id('evt');
    const body = {
      data: {
        type: 'event',
        id: eventId,
        attributes: {
          name: EVENT_OF[row.status],
          'created-at': now.toISOString(),
          payload: {
            data: {
              type: 'inquiry',
              id: row.id,
              attributes: {
                status: row.status,
                'reference-id': row.referenceId,
                'created-at': row.createdAt.toISOString(),
                'expires-at': row.expiresAt.toISOString(),
              },
            },
          },
        },
      },
    };
    return {
      id: eventId,
      inquiryId: row.id,
      name: EVENT_OF[row.status],
      body: JSON.stringify(body),
      createdAt: now,
    };
  }

  private view(row: SandboxInquiryRow): VendorInquiry {
    return {
      id: row.id,
      referenceId: row.referenceId,
      status: row.status,
      targetTier: row.targetTier,
      createdAt: row.createdAt,
      expiresAt: row.status === 'created' || row.status === 'pending' ? row.expiresAt : null,
      documents: row.documents.map(({ id: documentId, type, side, status }) => ({
        id: documentId,
        type,
        side,
        status,
      })),
      reasons: [...row.reasons],
    };
  }
}
