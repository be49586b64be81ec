import type { Provider, Type } from '@nestjs/common';
import { AdminMovementExceptionsController } from './list-movement-exceptions/list-movement-exceptions.controller';
import { ConsumerMoneyController } from './request-deposit/request-deposit.controller';
import { ProviderWebhooksController } from './handle-provider-webhook/provider-webhooks.controller';
import { WithdrawalsController } from './request-withdrawal/request-withdrawal.controller';
import { MovementExceptionRepository } from './movement-exception.repository';
import { MovementRepository } from './movement.repository';
import { ProviderPollProcessor } from './provider-poll.processor';
import { WebhookEventRepository } from './webhook-event.repository';
import { HandleProviderWebhookHandler } from './handle-provider-webhook/handle-provider-webhook.handler';
import { RequestDepositHandler } from './request-deposit/request-deposit.handler';
import { RetryMovementExceptionHandler } from './retry-movement-exception/retry-movement-exception.handler';
import { ListMovementExceptionsHandler } from './list-movement-exceptions/list-movement-exceptions.handler';
import { RequestWithdrawalHandler } from './request-withdrawal/request-withdrawal.handler';
import { DepositPolicy } from './request-deposit/deposit.policy';
import { MovementEngine } from './movement-engine';
import { MovementLedger } from './movement-ledger';
import { MovementPoller } from './movement-poller';
import { MovementPolicies } from './movement-policy';
import { GetMovementHandler } from './get-movement/get-movement.handler';
import { WithdrawalPolicy } from './request-withdrawal/withdrawal.policy';
import { PayoutDestinations } from './payout-destinations';
import { ExternalBatchPolicy } from './send-external-batch/external-batch.policy';
import { ExternalTransferPolicy } from './send-external-transfer/external-transfer.policy';
import { SendExternalBatchHandler } from './send-external-batch/send-external-batch.handler';
import { SendExternalTransferHandler } from './send-external-transfer/send-external-transfer.handler';
import { EstimateExternalTransferHandler } from './estimate-external-transfer/estimate-external-transfer.handler';
import { GetExternalTransferHandler } from './get-external-transfer/get-external-transfer.handler';

/** Money in and out through providers: the movement engine, deposits, withdrawals, webhooks, the poller. */
export const MOVEMENT_PROVIDERS: Provider[] = [
  MovementRepository,
  MovementExceptionRepository,
  WebhookEventRepository,
  MovementPolicies,
  MovementLedger,
  MovementEngine,
  MovementPoller,
  DepositPolicy,
  WithdrawalPolicy,
  RequestDepositHandler,
  RequestWithdrawalHandler,
  HandleProviderWebhookHandler,
  GetMovementHandler,
  ProviderPollProcessor,
  // Completed movements that could not be booked: suspense and the operators' list.
  RetryMovementExceptionHandler,
  ListMovementExceptionsHandler,
  // External transfers to 0x addresses, single and in batches.
  ExternalTransferPolicy,
  ExternalBatchPolicy,
  SendExternalTransferHandler,
  SendExternalBatchHandler,
  EstimateExternalTransferHandler,
  GetExternalTransferHandler,
  PayoutDestinations,
];
export const MOVEMENT_CONTROLLERS: Type[] = [
  ConsumerMoneyController,
  WithdrawalsController,
  ProviderWebhooksController,
  AdminMovementExceptionsController,
];
