import type { Provider, Type } from '@nestjs/common';
import { AdminMovementExceptionsController } from '../../interface/http/admin-movement-exceptions.controller';
import { ConsumerMoneyController } from '../../interface/http/consumer-money.controller';
import { ProviderWebhooksController } from '../../interface/http/provider-webhooks.controller';
import { WithdrawalsController } from '../../interface/http/withdrawals.controller';
import { MovementExceptionRepository } from '../../infrastructure/movements/movement-exception.repository';
import { MovementRepository } from '../../infrastructure/movements/movement.repository';
import { ProviderPollProcessor } from '../../infrastructure/movements/provider-poll.processor';
import { WebhookEventRepository } from '../../infrastructure/movements/webhook-event.repository';
import { HandleProviderWebhookHandler } from './commands/handle-provider-webhook/handle-provider-webhook.handler';
import { RequestDepositHandler } from './commands/request-deposit/request-deposit.handler';
import { RetryMovementExceptionHandler } from './commands/retry-movement-exception/retry-movement-exception.handler';
import { ListMovementExceptionsHandler } from './queries/list-movement-exceptions/list-movement-exceptions.handler';
import { RequestWithdrawalHandler } from './commands/request-withdrawal/request-withdrawal.handler';
import { DepositPolicy } from './deposit.policy';
import { MovementEngine } from './movement-engine';
import { MovementLedger } from './movement-ledger';
import { MovementPoller } from './movement-poller';
import { MovementPolicies } from './movement-policy';
import { GetMovementHandler } from './queries/get-movement/get-movement.handler';
import { WithdrawalPolicy } from './withdrawal.policy';
import { PayoutDestinations } from './payout-destinations';
import { ExternalBatchPolicy } from './external-batch.policy';
import { ExternalTransferPolicy } from './external-transfer.policy';
import { SendExternalBatchHandler } from './commands/send-external-batch/send-external-batch.handler';
import { SendExternalTransferHandler } from './commands/send-external-transfer/send-external-transfer.handler';
import { EstimateExternalTransferHandler } from './queries/estimate-external-transfer/estimate-external-transfer.handler';
import { GetExternalTransferHandler } from './queries/get-external-transfer/get-external-transfer.handler';

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
