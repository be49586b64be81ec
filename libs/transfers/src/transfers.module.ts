import { Module } from '@nestjs/common';
import { LedgerModule } from '#monay/ledger';
import { WalletModule } from '#monay/wallet';
import { SendBatchTransferHandler } from './application/commands/send-batch-transfer/send-batch-transfer.handler';
import { SendP2pTransferHandler } from './application/commands/send-p2p-transfer/send-p2p-transfer.handler';
import { GetTransferStatusHandler } from './application/queries/get-transfer-status/get-transfer-status.handler';
import { ValidateTransferHandler } from './application/queries/validate-transfer/validate-transfer.handler';
import { RecipientResolver } from './application/recipient-resolver';
import { TransferBooking } from './application/transfer-booking';
import { TransferRepository } from './infrastructure/transfer.repository';
import { ConsumerTransferController } from './interface/http/consumer-transfer.controller';
import { P2pTransferController } from './interface/http/p2p-transfer.controller';

@Module({
  imports: [LedgerModule, WalletModule],
  controllers: [P2pTransferController, ConsumerTransferController],
  providers: [
    TransferRepository,
    RecipientResolver,
    TransferBooking,
    SendP2pTransferHandler,
    SendBatchTransferHandler,
    ValidateTransferHandler,
    GetTransferStatusHandler,
  ],
})
export class TransfersModule {}
