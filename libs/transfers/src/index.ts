export { TransfersModule } from './transfers.module';
export * from './domain/events';
export * from './domain/transfer.errors';
export { maskRecipient } from './domain/recipient-ref';
