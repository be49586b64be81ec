import { Module } from '@nestjs/common';
import { IdentityModule } from '#monay/identity';
import { LedgerModule } from '#monay/ledger';
import { ProvidersModule } from '#monay/providers';
import { WalletModule } from '#monay/wallet';
import { SendBatchTransferHandler } from './application/commands/send-batch-transfer/send-batch-transfer.handler';
import { SendP2pTransferHandler } from './application/commands/send-p2p-transfer/send-p2p-transfer.handler';
import { GetTransferStatusHandler } from './application/queries/get-transfer-status/get-transfer-status.handler';
import { ValidateTransferHandler } from './application/queries/validate-transfer/validate-transfer.handler';
import { BatchTransfers } from './application/batch-transfers';
import { RecipientResolver } from './application/recipient-resolver';
import { INTERNAL_BATCH_BOOKING } from '#monay/providers';
import { TransferBooking } from './application/transfer-booking';
import { TransferRepository } from './infrastructure/transfer.repository';
import { ConsumerTransferController } from './interface/http/consumer-transfer.controller';
import { P2pTransferController } from './interface/http/p2p-transfer.controller';
import { CancelRecurringTransferHandler } from './application/commands/cancel-recurring-transfer/cancel-recurring-transfer.handler';
import { CreateRecurringTransferHandler } from './application/commands/create-recurring-transfer/create-recurring-transfer.handler';
import { RunRecurringTransferHandler } from './application/commands/run-recurring-transfer/run-recurring-transfer.handler';
import { UpdateRecurringTransferHandler } from './application/commands/update-recurring-transfer/update-recurring-transfer.handler';
import { GetRecurringTransferHandler } from './application/queries/get-recurring-transfer/get-recurring-transfer.handler';
import { ListRecurringTransfersHandler } from './application/queries/list-recurring-transfers/list-recurring-transfers.handler';
import { RecurringTransferScheduler } from './application/recurring-transfer-scheduler';
import { RecurringTransferProcessor } from './infrastructure/recurring-transfer.processor';
import { RecurringTransferRepository } from './infrastructure/recurring-transfer.repository';
import { RecurringTransferController } from './interface/http/recurring-transfer.controller';
import { ContactBook } from './application/contacts/contact-book';
import { ClaimOnVerificationHandler } from './application/invites/claim-on-verification.handler';
import { P2pInvites } from './application/invites/p2p-invites';
import { P2pInviteRepository } from './infrastructure/p2p-invite.repository';
import { P2pBooking } from './application/p2p/p2p-booking';
import { PaymentRequests } from './application/payment-requests/payment-requests';
import { QrCodes } from './application/qr/qr-codes';
import { ContactRepository } from './infrastructure/contact.repository';
import { PaymentRequestExpiryProcessor } from './infrastructure/payment-request-expiry.processor';
import { PaymentRequestRepository } from './infrastructure/payment-request.repository';
import { ContactsController } from './interface/http/contacts.controller';
import { PaymentRequestsController } from './interface/http/payment-requests.controller';
import { QrCodeController } from './interface/http/qr-code.controller';

@Module({
  imports: [LedgerModule, WalletModule, IdentityModule, ProvidersModule],
  controllers: [
    P2pTransferController,
    ConsumerTransferController,
    RecurringTransferController,
    ContactsController,
    PaymentRequestsController,
    QrCodeController,
  ],
  providers: [
    TransferRepository,
    RecipientResolver,
    TransferBooking,
    BatchTransfers,
    // the providers context books a batch's Monay recipients through this port
    { provide: INTERNAL_BATCH_BOOKING, useExisting: BatchTransfers },
    SendP2pTransferHandler,
    SendBatchTransferHandler,
    ValidateTransferHandler,
    GetTransferStatusHandler,
    RecurringTransferRepository,
    RecurringTransferScheduler,
    RecurringTransferProcessor,
    CreateRecurringTransferHandler,
    UpdateRecurringTransferHandler,
    CancelRecurringTransferHandler,
    RunRecurringTransferHandler,
    GetRecurringTransferHandler,
    ListRecurringTransfersHandler,
    // everyday money: contacts, payment requests, QR codes
    P2pBooking,
    ContactRepository,
    ContactBook,
    PaymentRequestRepository,
    PaymentRequests,
    PaymentRequestExpiryProcessor,
    QrCodes,
    P2pInviteRepository,
    P2pInvites,
    ClaimOnVerificationHandler,
  ],
})
export class TransfersModule {}
