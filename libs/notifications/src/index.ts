export { NotificationsModule } from './notifications.module';
export * from './notification.events';
export { NOTIFICATION_KINDS, type NotificationKind } from './notification-templates';
