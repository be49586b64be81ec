export { TransfersModule } from './transfers.module';
export * from './domain/events/transfer.events';
export * from './domain/transfer.errors';
export * from './domain/events/recurring-transfer.events';
export { maskRecipient } from './domain/recipient-ref';
