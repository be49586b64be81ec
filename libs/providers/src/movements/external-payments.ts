import { Injectable } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { StepUpContext } from '#monay/identity';
import type { Money } from '#monay/kernel';
import type { IdempotentResult } from '#monay/shared';
import { EstimateExternalTransferQuery } from './estimate-external-transfer/estimate-external-transfer.query';
import type { ExternalTransferEstimate } from './estimate-external-transfer/estimate-external-transfer.query';
import {
  GetExternalTransferQuery,
  type ExternalTransferStatus,
} from './get-external-transfer/get-external-transfer.query';
import { PayoutDestinations } from './payout-destinations';
import {
  SendExternalBatchCommand,
  type ExternalBatchLeg,
  type InternalBatchPart,
} from './send-external-batch/send-external-batch.command';
import { SendExternalTransferCommand } from './send-external-transfer/send-external-transfer.command';

/** A payment to one external 0x address (see SendExternalTransferHandler). */
export interface ExternalTransferRequest {
  userId: string;
  idempotencyKey: string;
  /** The route it came by (`p2p-transfer.send`, `consumer.transfer`): one key cannot serve two routes. */
  scope: string;
  /** `0x` and 40 hex digits, any case (validated again, sent in lower case). */
  to: string;
  amount: Money;
  /** The sender's note: ours in full, sent on chain as each vendor's memo rules allow. */
  note: string | null;
  /** The validated request body, for the idempotency hash. */
  request: unknown;
  /** The client's session and step-up token; null for a payment no one is there to confirm. */
  stepUp: StepUpContext | null;
}

/** A batch request with external recipients (see SendExternalBatchHandler). */
export interface ExternalBatchRequest {
  userId: string;
  idempotency: { key: string; scope: string; body: unknown };
  recipientCount: number;
  external: ExternalBatchLeg[];
  /** Its Monay recipients, booked by transfers through the InternalBatchBooking port in the same transaction. */
  internal: InternalBatchPart | null;
}

/**
 * The providers context's public service for money out to external 0x addresses, as other contexts
 * (transfers) call it: typed methods, data in and out. Inside the context the use cases are commands and
 * queries on the bus (architecture.md, Contexts and their public surfaces).
 */
@Injectable()
export class ExternalPayments {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly destinations: PayoutDestinations,
  ) {}

  /** Hold → route `transferOut` → post or void; the client's answer (201, 202, 422, 503). */
  send(request: ExternalTransferRequest): Promise<IdempotentResult> {
    return this.commands.execute(
      new SendExternalTransferCommand(
        request.userId,
        request.idempotencyKey,
        request.scope,
        request.to,
        request.amount,
        request.note,
        request.request,
        request.stepUp,
      ),
    );
  }

  /** The external legs as one provider batch per currency (or one transfer each), the internal ones booked with them. */
  sendBatch(request: ExternalBatchRequest): Promise<IdempotentResult> {
    return this.commands.execute(
      new SendExternalBatchCommand(
        request.userId,
        request.idempotency,
        request.recipientCount,
        request.external,
        request.internal,
      ),
    );
  }

  /** What sending `amount` out would cost and who would carry it (the router's plan; no provider call). */
  estimate(userId: string, amount: Money): Promise<ExternalTransferEstimate> {
    return this.queries.execute(new EstimateExternalTransferQuery(userId, amount));
  }

  /** The sender's external transfer or provider batch with its history; null for anyone else's or unknown. */
  status(userId: string, transferId: string): Promise<ExternalTransferStatus | null> {
    return this.queries.execute(new GetExternalTransferQuery(userId, transferId));
  }

  /** Whether any of `destinations` is one the user never completed a payout to (for step-up checks). */
  anyNewDestination(userId: string, destinations: string[]): Promise<boolean> {
    return this.destinations.anyNew(userId, destinations);
  }
}
