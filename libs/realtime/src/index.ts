export { RealtimeModule } from './realtime.module';
export { RealtimeAnnouncer } from './realtime-announcer';
export { RealtimeIoAdapter } from './realtime-io.adapter';
export type {
  ServerToClientEvents,
  ClientToServerEvents,
  RealtimeEventName,
  RealtimePayload,
  RealtimeMessage,
  BalanceUpdated,
  TransactionUpdated,
  TransferReceived,
  NotificationCreated,
  SystemAlert,
} from './realtime-events';
